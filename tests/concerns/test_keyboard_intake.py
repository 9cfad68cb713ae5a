"""The one-minute intake (issue 23): "Log and escalate" in one step through the workflow's own
escalation, offered only to whoever may escalate; the form's order, one warning, the date as
one box, the organization as a picker with no "---------"; bad input kept."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse

from concerns.models import Concern, ConcernUpdate
from core.permissions import ROLE_PERMISSIONS, Permission, forget_grants
from core.roles import Role
from core.web import CJI_NOTICE
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

NEW = reverse("concerns:new")
DAY = dt.datetime(2026, 6, 10, 15, 0, tzinfo=dt.UTC)


def intake_post(**overrides):
    data = {
        "date_received": "2026-06-10",
        "source_type": "citizen",
        "category": "traffic",
        "nature": "actual",
        "area": "Elm and 5th",
        "priority": "normal",
        "summary": "Cars speeding past the school at pick-up time",
        "description": "Speeding at school time, every weekday.",
        "intake_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@time_machine.travel(DAY, tick=False)
def test_log_and_escalate_escalates_through_the_workflow(client_for, officer):
    response = client_for(officer).post(NEW, intake_post(escalate="1"))
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == concern.get_absolute_url()
    assert concern.status == Concern.Status.ESCALATED
    kinds = list(concern.updates.order_by("pk").values_list("kind", "author"))
    assert kinds == [
        (ConcernUpdate.Kind.RECEIVED, officer.pk),
        (ConcernUpdate.Kind.ESCALATED, officer.pk),
    ]
    page = client_for(officer).get(concern.get_absolute_url()).content.decode()
    assert "Escalated" in page


@time_machine.travel(DAY, tick=False)
def test_log_concern_alone_does_not_escalate(client_for, officer):
    client_for(officer).post(NEW, intake_post(submit="log"))
    concern = Concern.objects.get()
    assert concern.status == Concern.Status.RECEIVED
    assert not concern.updates.filter(kind=ConcernUpdate.Kind.ESCALATED).exists()


@time_machine.travel(DAY, tick=False)
def test_log_and_escalate_sent_twice_logs_and_escalates_once(client_for, officer):
    client = client_for(officer)
    data = intake_post(escalate="1")
    first, second = client.post(NEW, data), client.post(NEW, data)
    concern = Concern.objects.get()
    assert first.url == second.url == concern.get_absolute_url()
    assert concern.updates.filter(kind=ConcernUpdate.Kind.ESCALATED).count() == 1


@time_machine.travel(DAY, tick=False)
def test_log_and_escalate_a_conduct_concern_is_escalated_once(client_for, officer):
    """A conduct or bias concern goes to the supervisors by itself (001 IV.C): the button
    adds no second escalation, and the officer is told where it went."""
    response = client_for(officer).post(NEW, intake_post(category="conduct_bias", escalate="1"))
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("concerns:logged", args=[concern.reference])
    assert concern.status == Concern.Status.ESCALATED
    assert concern.updates.filter(kind=ConcernUpdate.Kind.ESCALATED).count() == 1


@time_machine.travel(DAY, tick=False)
def test_role_that_may_not_escalate_gets_no_button_and_a_clear_error(
    client_for, training_officer, monkeypatch, request
):
    # A role table where the training officer may log but not escalate.
    monkeypatch.setitem(
        ROLE_PERMISSIONS,
        Role.TRAINING_OFFICER,
        ROLE_PERMISSIONS[Role.TRAINING_OFFICER] - {Permission.ESCALATE_CONCERN},
    )
    forget_grants()
    request.addfinalizer(forget_grants)
    client = client_for(training_officer)
    page = client.get(NEW).content.decode()
    assert "Log concern" in page and "Log and escalate" not in page
    response = client.post(NEW, intake_post(escalate="1", summary="Kept as typed"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "You may log this concern but not escalate it" in html
    assert 'value="Kept as typed"' in html
    assert not Concern.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "supervisor", "cro", "chief", "training_officer"])
def test_every_role_that_may_escalate_is_offered_the_button(client_for, personas, persona):
    assert "Log and escalate" in client_for(personas[persona]).get(NEW).content.decode()


def test_intake_starts_in_the_first_field_with_one_warning(client_for, officer):
    html = client_for(officer).get(NEW).content.decode()
    assert html.count(str(CJI_NOTICE)) == 1
    assert html.count("autofocus") == 1
    assert "autofocus" in html.split('name="category"')[1].split(">")[0]
    # What is filled in, in the order it is filled in; then the buttons; then "More details".
    order = [
        'name="category"',
        'name="source_type"',
        'name="organization"',
        'name="area"',
        'name="description"',
        'name="summary"',
        'value="log"',
        'name="escalate"',
        "<details",
        'name="date_received"',
        'name="priority"',
        'name="latitude"',
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # The date received is one text box, not a browser date input of three parts.
    date = html.split('name="date_received"')[0].rsplit("<input", 1)[1]
    assert 'type="text"' in date


@time_machine.travel(DAY, tick=False)
def test_intake_without_a_summary_takes_the_first_sentence(client_for, officer):
    client_for(officer).post(
        NEW, intake_post(summary="", description="Trucks idle all night. They wake the street.")
    )
    assert Concern.objects.get().summary == "Trucks idle all night."


def test_intake_organization_is_a_picker_without_dashes(client_for, officer):
    OrganizationFactory(name="Maple Heights Neighborhood Watch")
    html = client_for(officer).get(NEW).content.decode()
    select = html.split('name="organization"')[1].split("</select>")[0]
    assert "data-picker" in select and "data-searchable" not in select
    assert "---------" not in select
    assert "Maple Heights Neighborhood Watch" in select


@time_machine.travel(DAY, tick=False)
def test_intake_bad_date_is_refused_with_what_was_typed_kept(client_for, officer):
    response = client_for(officer).post(
        NEW, intake_post(date_received="10 June twenty", escalate="1")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in html
    assert 'value="10 June twenty"' in html
    assert '<details class="intake-more mt-4" open>' in html  # the error is not hidden
    assert "Speeding at school time, every weekday." in html
    assert not Concern.objects.exists()
