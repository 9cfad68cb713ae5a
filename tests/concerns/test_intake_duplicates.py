"""The officer's intake offers open concerns that look like the same thing before it saves:
the officer links to one, or logs a new concern (issue 22)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area
from concerns.models import Concern
from tests.factories import AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def beat(db):
    AgencyFactory()
    return Area.objects.create(code="B3", name="Beat 3", kind="beat")


def intake(beat, **overrides):
    data = {
        "date_received": timezone.localdate().isoformat(),
        "source_type": "citizen",
        "category": "street_lighting",
        "nature": "actual",
        "area": "Elm Street by the library",
        "defined_area": beat.pk,
        "priority": "normal",
        "summary": "Street light out on Elm Street",
        "description": "The light in front of the library is out.",
        "intake_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


@pytest.fixture
def lead(beat, officer):
    return ConcernFactory(
        reported_by=officer,
        category="street_lighting",
        defined_area=beat,
        summary="Street light out on Elm Street near the library",
        date_received=timezone.localdate(),
    )


def test_the_offer_comes_first_and_linking_makes_one_more_report(client_for, officer, lead, beat):
    client = client_for(officer)
    data = intake(beat)
    response = client.post(reverse("concerns:new"), data)
    page = response.content.decode()
    assert response.status_code == 200 and Concern.objects.count() == 1  # nothing saved yet
    assert "Is this already reported?" in page and lead.reference in page
    assert 'name="offered"' in page
    # What was typed is still there.
    assert "The light in front of the library is out." in page

    response = client.post(
        reverse("concerns:new"), {**data, "offered": "1", "same_as": lead.reference}
    )
    assert response.status_code == 302
    new = Concern.objects.exclude(pk=lead.pk).get()
    assert new.duplicate_of == lead
    # A double submit of the same form links nothing twice and makes nothing new.
    client.post(reverse("concerns:new"), {**data, "offered": "1", "same_as": lead.reference})
    assert Concern.objects.count() == 2 and lead.duplicates.count() == 1


def test_none_of_these_logs_a_new_concern(client_for, officer, lead, beat):
    client = client_for(officer)
    data = {**intake(beat), "offered": "1", "same_as": ""}
    assert client.post(reverse("concerns:new"), data).status_code == 302
    new = Concern.objects.exclude(pk=lead.pk).get()
    assert new.duplicate_of is None and new.status == "received"


def test_a_concern_the_officer_cannot_see_cannot_be_chosen(
    client_for, officer, beat, lead, supervisor
):
    hidden = ConcernFactory(reported_by=supervisor, category="street_lighting")
    data = {**intake(beat), "offered": "1", "same_as": hidden.reference}
    response = client_for(officer).post(reverse("concerns:new"), data)
    assert response.status_code == 200
    assert "cannot be chosen" in response.content.decode()
    assert Concern.objects.count() == 2  # the lead and the hidden one only


def test_without_look_alikes_the_concern_is_saved_at_once(client_for, officer, beat):
    response = client_for(officer).post(reverse("concerns:new"), intake(beat))
    assert response.status_code == 302 and Concern.objects.count() == 1
