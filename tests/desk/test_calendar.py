"""Calendar feeds: a secret link per person, its activities and (for the CRO and the Chief)
the due dates, never anything confidential; revoked or unknown links are 404."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from desk.calendar import build_calendar, create_feed, feed_url, revoke_feed
from desk.models import CalendarFeed
from outreach.models import Participant
from reports.models import Report
from tests.factories import ActivityFactory, AgencyFactory, ConcernFactory, ProgramFactory

pytestmark = pytest.mark.django_db

SITE = "https://crd.example.org"
TODAY = dt.date(2026, 10, 3)  # Sep report due Oct 10, Q3 report due Oct 15


@pytest.fixture(autouse=True)
def site(settings):
    settings.CRD_SITE_URL = SITE
    AgencyFactory()


def feed_path(token: str) -> str:
    return reverse("calendar:feed", args=[token])


def events(body: bytes) -> dict[str, object]:
    cal = Calendar.from_ical(body)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def fetch(client, user):
    _, token = create_feed(by=user)
    response = client.get(feed_path(token))
    assert response.status_code == 200
    return response


# --- The feed's contents ---


def test_officer_sees_own_activities_not_others(client, settings, officer, other_officer):
    today = timezone.localdate()
    mine = ActivityFactory(
        title="Coffee at Elm Park",
        area="Elm Park",
        date=today + dt.timedelta(days=3),
        logged_by=other_officer,
        officers=[officer, other_officer],
    )
    logged = ActivityFactory(title="Block party", logged_by=officer, officers=[other_officer])
    theirs = ActivityFactory(title="Not mine", logged_by=other_officer)
    too_old = ActivityFactory(date=today - dt.timedelta(days=30), officers=[officer])

    response = fetch(client, officer)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="community-relations.ics"'
    assert response["Cache-Control"] == "private, max-age=300"
    cal = Calendar.from_ical(response.content)
    assert str(cal["PRODID"]) == "-//Community Relations Desk//EN"
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Testville Police Department"
    assert str(cal["X-WR-TIMEZONE"]) == settings.TIME_ZONE
    found = events(response.content)
    host = "crd.example.org"
    assert set(found) == {f"activity-{mine.pk}@{host}", f"activity-{logged.pk}@{host}"}
    event = found[f"activity-{mine.pk}@{host}"]
    assert str(event["SUMMARY"]) == "Coffee at Elm Park"
    assert event["DTSTART"].dt == mine.date and not isinstance(event["DTSTART"].dt, dt.datetime)
    assert str(event["LOCATION"]) == "Elm Park"
    assert str(event["URL"]) == SITE + mine.get_absolute_url()
    assert "Meeting with a community organization" in str(event["DESCRIPTION"])
    assert "DTSTAMP" in event
    assert f"activity-{theirs.pk}@{host}" not in found
    assert f"activity-{too_old.pk}@{host}" not in found


def test_a_scheduled_event_is_in_the_calendar_before_it_is_held(officer):
    """002 §300.7: a Citizen's Academy is planned ahead; the people taking part see it
    coming in their calendar, though no figure counts it until it has been held."""
    academy = ActivityFactory(
        title="Citizen's Academy, week 1",
        date=TODAY + dt.timedelta(days=10),
        status="scheduled",
        officers=[officer],
    )
    assert f"activity-{academy.pk}@crd.example.org" in events(build_calendar(officer, TODAY))


def test_program_session_names_the_program(officer):
    program = ProgramFactory(name="Youth Boxing League")
    session = ActivityFactory(program=program, date=TODAY, officers=[officer])
    event = events(build_calendar(officer, TODAY))[f"activity-{session.pk}@crd.example.org"]
    assert "Youth Boxing League" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("role", ["cro", "chief"])
def test_cro_and_chief_get_due_dates(request, role, cro):
    user = request.getfixturevalue(role)
    program = ProgramFactory(
        name="Coffee with a Cop", status="active", active_since=dt.date(2026, 8, 31)
    )
    Report.objects.create(
        kind="monthly",
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        created_by=cro,
        status="submitted",
        submitted_by=cro,
        submitted_at=timezone.now(),
    )
    found = events(build_calendar(user, TODAY))
    q3 = found["report-quarterly-2026-07-01@crd.example.org"]
    assert str(q3["SUMMARY"]) == (
        "Due: Quarterly community relations report (Jul 1 – Sep 30, 2026)"
    )
    assert q3["DTSTART"].dt == dt.date(2026, 10, 15)
    # Submitted: done. Overdue ones (semi-annual, annual) are not put in the past.
    assert "report-monthly-2026-09-01@crd.example.org" not in found
    assert not any(uid.startswith(("report-semi_annual", "report-annual")) for uid in found)
    evaluation = found[f"evaluation-{program.pk}-2027-02-28@crd.example.org"]
    assert evaluation["DTSTART"].dt == dt.date(2027, 2, 28)
    assert "Coffee with a Cop" in str(evaluation["SUMMARY"])
    assert str(evaluation["URL"]) == SITE + program.get_absolute_url()


@pytest.mark.parametrize("role", ["officer", "supervisor", "training_officer"])
def test_other_roles_get_no_due_dates(request, role):
    user = request.getfixturevalue(role)
    ProgramFactory(status="active", active_since=dt.date(2026, 8, 31))
    found = events(build_calendar(user, TODAY))
    assert not any(uid.startswith(("report-", "evaluation-")) for uid in found)


def test_nothing_confidential(client, cro):
    activity = ActivityFactory(
        title="Citizen's Academy night 1",
        kind="citizens_academy",
        summary="Zanzibar-summary-text",
        officers=[cro],
    )
    Participant.objects.create(activity=activity, name="Quillon Fairweather", phone="555-0199")
    ConcernFactory(
        activity=activity,
        source_name="Bartholomew Source",
        description="Xylophone conduct",
        reported_by=cro,
    )
    body = fetch(client, cro).content.decode()
    assert "Citizen's Academy night 1" in body
    for secret in ("Zanzibar", "Quillon", "555-0199", "Bartholomew", "Xylophone", "CR-2099"):
        assert secret not in body


# --- Links: made, replaced, revoked ---


def test_token_stored_only_as_hash(officer):
    feed, token = create_feed(by=officer)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert len(token) >= 40
    assert not CalendarFeed.objects.filter(token_hash=token).exists()
    assert feed_url(token) == f"{SITE}/calendar/{token}.ics"


def test_new_link_revokes_old(client, officer):
    old, old_token = create_feed(by=officer)
    new, new_token = create_feed(by=officer)
    old.refresh_from_db()
    assert old.revoked_at is not None and new.revoked_at is None
    assert client.get(feed_path(old_token)).status_code == 404
    assert client.get(feed_path(new_token)).status_code == 200
    new.refresh_from_db()
    assert new.last_used_at is not None


def test_revoked_unknown_and_inactive_are_404(client, officer):
    feed, token = create_feed(by=officer)
    revoke_feed(feed=feed, by=officer)
    assert client.get(feed_path(token)).status_code == 404
    assert client.get(feed_path("x" * 43)).status_code == 404
    _, token = create_feed(by=officer)
    officer.groups.clear()  # no role any more: the link gives nothing away
    assert client.get(feed_path(token)).status_code == 404
    officer.is_active = False
    officer.save()
    assert client.get(feed_path(token)).status_code == 404


def test_feed_is_get_only(client, officer):
    _, token = create_feed(by=officer)
    assert client.post(feed_path(token)).status_code == 405


def test_someone_cannot_revoke_another_persons_feed(client_for, officer, other_officer):
    feed, token = create_feed(by=officer)
    response = client_for(other_officer).post(reverse("calendar:revoke", args=[feed.pk]))
    assert response.status_code == 404
    feed.refresh_from_db()
    assert feed.revoked_at is None
    with pytest.raises(PermissionDenied):
        revoke_feed(feed=feed, by=other_officer)


# --- The settings page ---


@pytest.mark.parametrize("role", ["officer", "supervisor", "cro", "chief", "training_officer"])
def test_settings_page_for_every_role(request, client_for, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("calendar:settings"))
    assert response.status_code == 200
    assert b"Make a calendar link" in response.content
    assert response.context["has_reports"] == (role in ("cro", "chief"))


def test_settings_page_refuses_no_role_and_anonymous(client, client_for, outsider):
    url = reverse("calendar:settings")
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    assert client_for(outsider).get(url).status_code == 403
    assert client.post(reverse("calendar:create")).status_code == 403


def test_create_and_revoke_are_post_only(client_for, officer):
    client = client_for(officer)
    feed, _ = create_feed(by=officer)
    assert client.get(reverse("calendar:create")).status_code == 405
    assert client.get(reverse("calendar:revoke", args=[feed.pk])).status_code == 405


def test_link_shown_once_then_revoked(client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("calendar:create"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    feed = CalendarFeed.objects.get(user=officer, revoked_at__isnull=True)
    link = response.context["new_link"]
    assert link.startswith(f"{SITE}/calendar/") and link.endswith(".ics")
    token = link.rsplit("/", 1)[1].removesuffix(".ics")
    assert hashlib.sha256(token.encode()).hexdigest() == feed.token_hash
    assert link.encode() in response.content
    page = client.get(reverse("calendar:settings"))
    assert token.encode() not in page.content and b"Revoke the link" in page.content
    response = client.post(reverse("calendar:revoke", args=[feed.pk]))
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert client.get(feed_path(token)).status_code == 404


# --- Query count ---


def test_feed_queries_do_not_grow(client, cro, officer, django_assert_max_num_queries):
    program = ProgramFactory(status="active", active_since=timezone.localdate())
    _, token = create_feed(by=cro)
    ActivityFactory.create_batch(2, officers=[cro, officer], program=program)
    with django_assert_max_num_queries(12) as small:
        assert client.get(feed_path(token)).status_code == 200
    ActivityFactory.create_batch(18, officers=[cro, officer], program=program)
    ProgramFactory.create_batch(5, status="active", active_since=timezone.localdate())
    with django_assert_max_num_queries(12) as large:
        response = client.get(feed_path(token))
    assert len(events(response.content)) >= 20
    assert len(small.captured_queries) == len(large.captured_queries)
