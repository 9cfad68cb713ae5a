"""Each concern page for each persona: allowed, refused, or not found."""

import pytest
from django.urls import reverse

from concerns import services
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "list": reverse("concerns:list"),
    "mine": reverse("concerns:mine"),
    "new": reverse("concerns:new"),
    "export": reverse("concerns:export"),
    "departments": reverse("concerns:departments"),
}

EXPECTED = {
    #                  list mine new export departments
    "officer": (200, 200, 200, 403, 403),
    "supervisor": (200, 200, 200, 200, 403),
    "cro": (200, 200, 200, 200, 200),
    "chief": (200, 200, 200, 200, 403),
    "training_officer": (200, 200, 200, 403, 403),
    "outsider": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_concern_pages_by_role(client_for, personas, persona):
    client = client_for(personas[persona])
    got = tuple(client.get(url).status_code for url in PAGES.values())
    assert got == EXPECTED[persona]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),  # logged it
        ("supervisor", 200),
        ("cro", 200),
        ("chief", 200),
        ("training_officer", 404),
        ("outsider", 404),
    ],
)
def test_concern_detail_by_role(client_for, personas, persona, status):
    concern = ConcernFactory(reported_by=personas["officer"])
    assert client_for(personas[persona]).get(concern.get_absolute_url()).status_code == status


def test_unit_commander_sees_routed_concern(client_for, cro, supervisor, training_officer, officer):
    from tests.factories import UnitFactory

    unit = UnitFactory(name="Training Unit", commander=training_officer)
    concern = ConcernFactory(reported_by=officer)
    services.escalate_concern(concern=concern, by=officer)
    services.forward_concern(concern=concern, by=supervisor)
    client = client_for(training_officer)
    assert client.get(concern.get_absolute_url()).status_code == 404
    services.route_to_unit(concern=concern, by=cro, unit=unit)
    html = client.get(concern.get_absolute_url()).content.decode()
    assert "Acknowledge for Training Unit" in html


def test_home_counts_what_waits(client_for, supervisor, officer):
    concern = ConcernFactory(reported_by=officer)
    services.escalate_concern(concern=concern, by=officer)
    html = client_for(supervisor).get(reverse("home")).content.decode()
    assert 'id="waiting-escalated"' in html
    assert "See all 1" in html
    assert concern.reference in html
