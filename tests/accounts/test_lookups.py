"""Lookups behind long pick-lists: members by name or DSN (the concern's "Assign to")."""

import re

import pytest
from django.urls import reverse

from core.roles import Role
from core.widgets import LookupSelect
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("accounts:member-lookup")


@pytest.fixture
def members(db):
    return {
        "ellis": UserFactory(
            username="s-ellis",
            first_name="Scott",
            last_name="Ellis",
            dsn="5302",
            roles=[Role.OFFICER],
        ),
        "ellison": UserFactory(
            username="m-ellison",
            first_name="Mara",
            last_name="Ellison",
            dsn="6120",
            roles=[Role.SUPERVISOR],
        ),
        "gone": UserFactory(
            username="x-ellis",
            first_name="Old",
            last_name="Ellis",
            dsn="9999",
            roles=[Role.OFFICER],
            is_active=False,
        ),
        "clerk": UserFactory(
            username="c-ellis", first_name="No", last_name="Ellisrole", dsn="7777"
        ),
    }


def labels(response) -> list[str]:
    return [r["label"] for r in response.json()["results"]]


def test_members_by_surname_first_name_or_dsn(client_for, cro, members):
    client = client_for(cro)
    # Active members holding a role only: not the deactivated one, not the clerk.
    assert labels(client.get(URL, {"q": "ellis"})) == [
        f"{members['ellis'].display_name} (5302)",
        f"{members['ellison'].display_name} (6120)",
    ]
    assert labels(client.get(URL, {"q": "scott ellis"})) == [
        f"{members['ellis'].display_name} (5302)"
    ]
    assert labels(client.get(URL, {"q": "612"})) == [f"{members['ellison'].display_name} (6120)"]
    assert labels(client.get(URL, {"q": "m-ellison"})) == [
        f"{members['ellison'].display_name} (6120)"
    ]
    assert client.get(URL, {"q": "zzz"}).json() == {"results": [], "more": False}


def test_member_lookup_is_capped_and_its_queries_do_not_grow(
    client_for, cro, django_assert_max_num_queries
):
    for n in range(35):
        UserFactory(
            username=f"p-{n}", last_name=f"Parker{n:02d}", dsn=f"8{n:03d}", roles=[Role.OFFICER]
        )
    client = client_for(cro)
    with django_assert_max_num_queries(8):
        found = client.get(URL, {"q": "parker"}).json()
    assert len(found["results"]) == 30 and found["more"] is True


def test_member_lookup_refused_without_a_role(client, client_for, outsider):
    assert client.get(URL).status_code == 302
    assert client_for(outsider).get(URL).status_code == 403


def test_concern_page_with_many_members_sends_only_the_assignee(
    client_for, cro, officer, monkeypatch, members
):
    monkeypatch.setattr(LookupSelect, "threshold", 2)
    concern = ConcernFactory(reported_by=officer, status="forwarded", assignee=members["ellison"])
    page = (
        client_for(cro)
        .get(f"{concern.get_absolute_url()}?step=assign")  # the assign step opened
        .content.decode()
    )
    select = re.search(r'<select name="assign-assignee"[^>]*>(.*?)</select>', page, re.S)
    assert select and f'data-picker-url="{URL}"' in select.group(0)
    assert select.group(1).count("<option") == 1  # the blank choice; the rest by lookup
    assert "(5302)" not in page and "(6120)" not in page
