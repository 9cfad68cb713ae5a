"""Scheduled events and their participants (002 §300.7): an event planned ahead takes
registrations; nobody without a waiver or a cleared check is marked as having taken part;
the week-ahead reminder fires for an event created in the UI; figures count held events."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from desk.dashboard import outreach as dashboard_outreach
from notifications.models import Notification
from outreach import reminders, services
from outreach.models import OutreachActivity, Participant
from reports.builders import build
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
ACADEMY = OutreachActivity.Kind.CITIZENS_ACADEMY


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def academy(cro, *, days_ahead=7, status="scheduled"):
    return ActivityFactory(
        kind=ACADEMY,
        status=status,
        date=TODAY + dt.timedelta(days=days_ahead),
        title="Citizen's Academy, spring class",
        waivers_required=True,
        background_check_required=True,
        logged_by=cro,
    )


def academy_post(day, status="scheduled"):
    return {
        "date": day.isoformat(),
        "status": status,
        "kind": "citizens_academy",
        "title": "Citizen's Academy, spring class",
        "attendance": "0",
        "staff_hours": "0",
        "materials_cost": "0",
    }


# --- Scheduling ahead ---


def test_a_held_activity_still_cannot_be_in_the_future(officer):
    with pytest.raises(ValidationError, match="future"):
        services.log_activity(
            by=officer,
            data={
                "kind": "forum",
                "date": TODAY + dt.timedelta(days=1),
                "title": "Forum",
                "status": "held",
            },
            officers=[],
        )


def test_cro_schedules_an_academy_next_month_through_the_form(client_for, cro):
    day = TODAY + dt.timedelta(days=30)
    response = client_for(cro).post(reverse("outreach:activity-new"), academy_post(day))
    event = OutreachActivity.with_scheduled.get()
    assert response.status_code == 302
    assert event.is_scheduled and event.date == day
    assert event.waivers_required and event.background_check_required
    # Not counted: the default manager holds only what took place.
    assert not OutreachActivity.objects.exists()
    html = client_for(cro).get(event.get_absolute_url()).content.decode()
    assert "This event is scheduled" in html


def test_held_in_the_future_through_the_form_is_an_error(client_for, cro):
    day = TODAY + dt.timedelta(days=30)
    response = client_for(cro).post(reverse("outreach:activity-new"), academy_post(day, "held"))
    assert response.status_code == 200
    assert "choose “Scheduled”" in response.content.decode()
    assert not OutreachActivity.with_scheduled.exists()


def test_scheduled_event_recorded_as_held_once_its_day_has_come(cro):
    event = academy(cro, days_ahead=0)
    services.update_activity(activity=event, by=cro, data={"status": "held"}, officers=[cro])
    assert OutreachActivity.objects.filter(pk=event.pk).exists()


# --- Taking part (002 §300.7) ---


@pytest.mark.parametrize(
    ("waiver", "check", "problem"),
    [
        (TODAY, "not_cleared", "criminal-history check: not cleared"),
        (TODAY, "pending", "criminal-history check: pending"),
        (None, "cleared", "no signed waiver"),
    ],
)
def test_person_not_ready_cannot_be_marked_as_taking_part(cro, waiver, check, problem):
    event = academy(cro, days_ahead=0)
    person = Participant.objects.create(
        activity=event, name="Priya Nair", waiver_signed_on=waiver, background_check=check
    )
    person.attended = True
    form = _form_for(person)
    with pytest.raises(ValidationError) as caught:
        services.save_participant(by=cro, form=form, activity=event)
    assert problem in str(caught.value.message_dict["attended"])
    person.refresh_from_db()
    assert not person.attended


def _form_for(person):
    from outreach.forms import ParticipantForm

    data = {
        "name": person.name,
        "waiver_signed_on": person.waiver_signed_on.isoformat() if person.waiver_signed_on else "",
        "background_check": person.background_check,
        "attended": "on" if person.attended else "",
    }
    form = ParticipantForm(data={k: v for k, v in data.items() if v}, instance=person)
    assert form.is_valid(), form.errors
    return form


def test_cleared_person_with_a_waiver_is_marked_as_taking_part(cro):
    event = academy(cro, days_ahead=0)
    person = Participant.objects.create(
        activity=event, name="Helen Ortiz", waiver_signed_on=TODAY, background_check="cleared"
    )
    person.attended = True
    services.save_participant(by=cro, form=_form_for(person), activity=event)
    person.refresh_from_db()
    assert person.attended


def test_nobody_has_taken_part_in_an_event_still_ahead(cro):
    event = academy(cro, days_ahead=3)
    person = Participant.objects.create(
        activity=event, name="Helen Ortiz", waiver_signed_on=TODAY, background_check="cleared"
    )
    person.attended = True
    with pytest.raises(ValidationError, match="has not happened yet"):
        services.save_participant(by=cro, form=_form_for(person), activity=event)


def test_registering_then_marking_the_not_cleared_one_is_a_form_error(client_for, cro):
    event = academy(cro, days_ahead=0)
    client = client_for(cro)
    url = reverse("outreach:participant-new", args=[event.pk])
    response = client.post(
        url,
        {
            "name": "Priya Nair",
            "waiver_signed_on": TODAY.isoformat(),
            "background_check": "pending",
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    person.background_check = "not_cleared"
    person.save()
    edit = reverse("outreach:participant-edit", args=[event.pk, person.pk])
    response = client.post(
        edit,
        {
            "name": "Priya Nair",
            "waiver_signed_on": TODAY.isoformat(),
            "background_check": "not_cleared",
            "attended": "on",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This person cannot be marked as having taken part" in html
    person.refresh_from_db()
    assert not person.attended


def test_participant_pages_refuse_the_wrong_people(client_for, officer, cro, client):
    event = academy(cro)
    url = reverse("outreach:participant-new", args=[event.pk])
    assert client.get(url).status_code == 302  # to sign in
    assert client_for(officer).get(url).status_code == 404  # not theirs to see


# --- The week-ahead reminder, from the UI ---


def test_reminder_fires_for_an_event_scheduled_in_the_ui(client_for, cro):
    client = client_for(cro)
    day = TODAY + dt.timedelta(days=7)
    assert client.post(reverse("outreach:activity-new"), academy_post(day)).status_code == 302
    event = OutreachActivity.with_scheduled.get()
    response = client.post(
        reverse("outreach:participant-new", args=[event.pk]),
        {"name": "Tom Grady", "background_check": "cleared"},  # no waiver
    )
    assert response.status_code == 302

    assert reminders.events_not_ready(NOW) == 1
    note = Notification.objects.get(recipient=cro, kind="event_not_ready")
    assert "1 participant is missing a waiver or a cleared check" in note.title
    assert note.url == event.get_absolute_url()


def test_reminder_quiet_when_everyone_is_ready(cro):
    event = academy(cro, days_ahead=5)
    Participant.objects.create(
        activity=event, name="Helen Ortiz", waiver_signed_on=TODAY, background_check="cleared"
    )
    assert reminders.events_not_ready(NOW) == 0


# --- Figures count held activities only ---


def test_monthly_report_and_dashboard_do_not_count_a_scheduled_event(cro):
    ActivityFactory(kind="forum", date=TODAY - dt.timedelta(days=2), logged_by=cro)
    academy(cro, days_ahead=5)  # later this month, not yet held
    academy(cro, days_ahead=-3)  # its day has passed, never recorded as held
    data = build("monthly", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert data["activity_total"] == 1
    assert [a["kind"] for a in data["activities"]] == ["Community forum"]
    assert OutreachActivity.with_scheduled.count() == 3


def test_dashboard_outreach_counts_held_only(cro):
    from desk.dashboard import Period

    ActivityFactory(kind="forum", date=TODAY - dt.timedelta(days=2), logged_by=cro)
    academy(cro, days_ahead=-1)
    academy(cro, days_ahead=5)
    period = Period(key="custom", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    figures = dashboard_outreach(period, TODAY)
    assert figures["activities"] == 1
    assert [row[0] for row in figures["by_kind"]] == ["Community forum"]
