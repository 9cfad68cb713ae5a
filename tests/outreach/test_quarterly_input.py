"""Quarterly community input from crime prevention, school resource and safety officers
(003 1.b: "will report to the Community Relations Officer at least four times a year"):
when it is due, the reminders, the menu entry and the pages."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from desk.navigation import items_for
from notifications.models import Notification
from notifications.registry import STEPS
from outreach import demo_input, input_due
from outreach.input_due import Quarter, quarter_reported_for, status
from outreach.models import CommunityInputReport, ReportingAssignment
from outreach.reminders_input import input_due_or_overdue
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
D = dt.date


def at(year, month, day, hour=12, minute=0):
    """An instant in the agency's time zone (America/Chicago)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


NEW_YEAR = D(2026, 1, 1)


def duty(officer, since=NEW_YEAR, kind=ReportingAssignment.Duty.SAFETY):
    return ReportingAssignment.objects.create(officer=officer, duty=kind, since=since)


def report(assignment, day):
    return CommunityInputReport.objects.create(
        assignment=assignment, submitted_on=day, concerns_heard="Parents worry about speeding."
    )


def menu_labels(user) -> list[str]:
    labels = []
    for entry in items_for(user):
        labels += [str(c["label"]) for c in entry.get("children", [entry])]
    return labels


# --- When input is due (one home: outreach/input_due.py) --------------------------------


@pytest.mark.parametrize(
    ("day", "quarter", "end", "due"),
    [
        (D(2026, 1, 1), Quarter(2026, 1), D(2026, 3, 31), D(2026, 4, 7)),
        (D(2026, 3, 31), Quarter(2026, 1), D(2026, 3, 31), D(2026, 4, 7)),
        (D(2026, 4, 1), Quarter(2026, 2), D(2026, 6, 30), D(2026, 7, 7)),
        (D(2026, 9, 30), Quarter(2026, 3), D(2026, 9, 30), D(2026, 10, 7)),
        (D(2026, 12, 31), Quarter(2026, 4), D(2026, 12, 31), D(2027, 1, 7)),
        (D(2028, 2, 29), Quarter(2028, 1), D(2028, 3, 31), D(2028, 4, 7)),
    ],
)
def test_003_1b_each_quarter_is_due_seven_days_after_it_ends(day, quarter, end, due):
    assert Quarter.of(day) == quarter
    assert quarter.end == end
    assert quarter.due == due


@pytest.mark.parametrize(
    ("submitted", "counts_for"),
    [
        (D(2026, 1, 7), Quarter(2025, 4)),  # the last day of the fourth quarter's window
        (D(2026, 1, 8), Quarter(2026, 1)),
        (D(2026, 3, 31), Quarter(2026, 1)),
        (D(2026, 4, 7), Quarter(2026, 1)),  # sent in the week after the quarter ends
        (D(2026, 4, 8), Quarter(2026, 2)),
    ],
)
def test_a_report_counts_for_the_quarter_whose_window_holds_it(submitted, counts_for):
    assert quarter_reported_for(submitted) == counts_for


def test_status_on_the_due_date_is_due_and_the_day_after_overdue_by_one_day():
    on_due = status(since=D(2026, 1, 1), last_report=None, today=D(2026, 4, 7))
    assert (on_due.quarter, on_due.due, on_due.overdue, on_due.days_left) == (
        Quarter(2026, 1),
        D(2026, 4, 7),
        False,
        0,
    )
    assert on_due.due_soon
    after = status(since=D(2026, 1, 1), last_report=None, today=D(2026, 4, 8))
    assert after.overdue and after.days_overdue == 1


def test_status_counts_days_overdue_from_the_due_date_not_from_the_last_report():
    # Reported for Q1 on Mar 1; Q2 was due Jul 7; on Aug 1 that is 25 days, not 153.
    s = status(since=D(2025, 6, 1), last_report=D(2026, 3, 1), today=D(2026, 8, 1))
    assert s.quarter == Quarter(2026, 2)
    assert s.days_overdue == (D(2026, 8, 1) - D(2026, 7, 7)).days == 25


def test_status_a_late_report_in_the_week_after_the_quarter_settles_that_quarter():
    s = status(since=D(2026, 1, 1), last_report=D(2026, 4, 6), today=D(2026, 4, 10))
    assert (s.quarter, s.due, s.overdue) == (Quarter(2026, 2), D(2026, 7, 7), False)
    assert not s.due_soon and s.days_left == 88


def test_status_a_report_after_the_due_date_counts_for_the_quarter_it_is_sent_in():
    # Q1 was missed (its window closed Apr 7); the Apr 8 report is the Q2 input.
    s = status(since=D(2026, 1, 1), last_report=D(2026, 4, 8), today=D(2026, 4, 9))
    assert (s.quarter, s.due, s.overdue) == (Quarter(2026, 3), D(2026, 10, 7), False)


def test_status_across_the_new_year():
    s = status(since=D(2026, 1, 1), last_report=D(2026, 10, 5), today=D(2027, 1, 8))
    assert (s.quarter, s.due, s.days_overdue) == (Quarter(2026, 4), D(2027, 1, 7), 1)
    s = status(since=D(2026, 1, 1), last_report=D(2026, 10, 5), today=D(2026, 12, 31))
    assert (s.due_soon, s.days_left) == (True, 7)
    s = status(since=D(2026, 1, 1), last_report=D(2026, 10, 5), today=D(2026, 12, 30))
    assert not s.due_soon


def test_status_never_owes_a_quarter_before_the_duty_began():
    # Reassigned on Jul 1 after reports for an earlier duty period that ended in Q1.
    s = status(since=D(2026, 7, 1), last_report=D(2026, 2, 1), today=D(2026, 8, 1))
    assert (s.quarter, s.due, s.overdue) == (Quarter(2026, 3), D(2026, 10, 7), False)


# --- The reminders: once per stage, to the officer and their supervisor ----------------


def notes(user):
    return list(Notification.objects.filter(recipient=user, kind="community_input").order_by("id"))


def test_reminder_is_registered_with_the_sweep():
    assert ("quarterly community input", input_due_or_overdue) in STEPS


def test_reminder_fires_once_per_stage_for_officer_and_unit_commander():
    officer = UserFactory(username="t-sro", unit="Patrol", roles=[Role.OFFICER])
    sergeant = UserFactory(username="t-sgt", unit="Traffic", roles=[Role.SUPERVISOR])
    UnitFactory(name="Patrol", commander=sergeant)
    bystander = UserFactory(username="t-sup2", unit="Patrol", roles=[Role.SUPERVISOR])
    duty(officer)  # Q1 2026 due Apr 7

    assert input_due_or_overdue(at(2026, 3, 30)) == 0  # eight days before
    assert input_due_or_overdue(at(2026, 3, 31)) == 1  # a week before: the officer
    assert input_due_or_overdue(at(2026, 4, 1)) == 0
    assert input_due_or_overdue(at(2026, 4, 7, 23, 30)) == 0  # still the due date, locally
    assert [n.title for n in notes(officer)] == [
        "Your quarterly community input is due Apr 7, 2026"
    ]
    assert notes(sergeant) == []

    assert input_due_or_overdue(at(2026, 4, 8, 0, 30)) == 2  # overdue: officer and commander
    assert input_due_or_overdue(at(2026, 4, 8, 18)) == 0
    assert input_due_or_overdue(at(2026, 4, 14)) == 0
    assert notes(officer)[-1].title == (
        "Your quarterly community input is overdue by 1 day (due Apr 7, 2026)"
    )
    (told,) = notes(sergeant)
    assert told.title == (
        f"{officer.display_name}'s quarterly community input is overdue (due Apr 7, 2026)"
    )
    assert told.url == reverse("home")  # a supervisor cannot open the CRO's page

    assert input_due_or_overdue(at(2026, 4, 15)) == 1  # a week on: the officer alone
    assert input_due_or_overdue(at(2026, 4, 21)) == 0
    assert input_due_or_overdue(at(2026, 4, 22)) == 1
    assert len(notes(officer)) == 4
    assert len(notes(sergeant)) == 1
    assert notes(bystander) == []


def test_reminder_stops_once_the_officer_reports():
    officer = UserFactory(username="t-sro", unit="Patrol", roles=[Role.OFFICER])
    assignment = duty(officer)
    with time_machine.travel(at(2026, 4, 10), tick=False):
        report(assignment, D(2026, 4, 10))  # counts for Q2: Q1 was missed
    assert input_due_or_overdue(at(2026, 4, 12)) == 0
    assert notes(officer) == []


def test_supervisor_falls_back_to_same_unit_supervisors_then_the_cro():
    patrol = UserFactory(username="t-sro", unit="Patrol", roles=[Role.OFFICER])
    records = UserFactory(username="t-clerk", unit="Records", roles=[Role.TRAINING_OFFICER])
    sergeant = UserFactory(username="t-sgt", unit="patrol", roles=[Role.SUPERVISOR])
    cro = UserFactory(username="t-cro", unit="Community Relations Unit", roles=[Role.CRO])
    UnitFactory(name="Records")  # a unit with no commander
    duty(patrol)
    duty(records)
    assert input_due_or_overdue(at(2026, 4, 8)) == 4
    assert [n.title for n in notes(sergeant)] == [
        f"{patrol.display_name}'s quarterly community input is overdue (due Apr 7, 2026)"
    ]
    (to_cro,) = notes(cro)
    assert records.display_name in to_cro.title
    assert to_cro.url == reverse("outreach:reporting")


def test_a_commander_of_their_own_unit_is_not_their_own_supervisor():
    lieutenant = UserFactory(username="t-lt", unit="Investigations", roles=[Role.SUPERVISOR])
    UnitFactory(name="Investigations", commander=lieutenant)
    cro = UserFactory(username="t-cro", roles=[Role.CRO])
    duty(lieutenant)
    input_due_or_overdue(at(2026, 4, 8))
    assert len(notes(lieutenant)) == 1
    assert len(notes(cro)) == 1


def test_an_officer_with_two_duties_hears_once():
    officer = UserFactory(username="t-sro", unit="Patrol", roles=[Role.OFFICER])
    duty(officer, kind=ReportingAssignment.Duty.SAFETY)
    duty(officer, kind=ReportingAssignment.Duty.SCHOOL_RESOURCE)
    assert input_due_or_overdue(at(2026, 3, 31)) == 1


def test_no_reminder_for_an_inactive_duty():
    officer = UserFactory(username="t-sro", roles=[Role.OFFICER])
    ReportingAssignment.objects.create(
        officer=officer, duty="safety", since=D(2026, 1, 1), is_active=False
    )
    assert input_due_or_overdue(at(2026, 4, 8)) == 0


# --- The menu: every holder, whatever their role ----------------------------------------


@pytest.mark.parametrize(
    "role", [Role.OFFICER, Role.SUPERVISOR, Role.CRO, Role.CHIEF, Role.TRAINING_OFFICER]
)
def test_menu_shows_quarterly_input_to_a_holder_of_any_role(role):
    holder = UserFactory(username="t-holder", roles=[role])
    assert "Quarterly input" not in menu_labels(holder)
    duty(holder)
    holder = type(holder).objects.get(pk=holder.pk)  # a new request
    assert "Quarterly input" in menu_labels(holder)


def test_menu_entry_is_one_query_for_the_whole_request(django_assert_num_queries):
    holder = UserFactory(username="t-holder", roles=[Role.TRAINING_OFFICER])
    duty(holder)
    holder = type(holder).objects.get(pk=holder.pk)
    with django_assert_num_queries(2):  # the roles, the duty
        items_for(holder)
        items_for(holder, "/outreach/")


def test_menu_query_count_of_a_page_does_not_grow_with_duties(client_for):
    holder = UserFactory(username="t-holder", roles=[Role.TRAINING_OFFICER])
    non_holder = UserFactory(username="t-other", roles=[Role.TRAINING_OFFICER])
    url = reverse("outreach:recognition")

    def count(user):
        client = client_for(user)
        client.get(url)  # the first page after signing in does more (the session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    without = count(non_holder)
    first = duty(holder)
    one = count(holder)
    duty(holder, kind=ReportingAssignment.Duty.SCHOOL_RESOURCE)
    for day in (D(2026, 1, 20), D(2026, 4, 20), D(2026, 7, 20)):
        report(first, day)
    assert count(holder) == one == without


def test_menu_entry_is_active_on_the_input_page(client_for):
    holder = UserFactory(username="t-holder", roles=[Role.CRO])
    duty(holder)
    html = client_for(holder).get(reverse("outreach:community-input")).content.decode()
    url = reverse("outreach:community-input")
    assert f'href="{url}"' in html
    assert "Quarterly input" in html


# --- The pages, for every role ----------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer", 403),
        ("supervisor", 403),
        ("cro", 200),
        ("chief", 200),
        ("training_officer", 403),
        ("outsider", 403),
    ],
)
def test_reporting_page_by_role(client_for, personas, persona, expected):
    assert client_for(personas[persona]).get(reverse("outreach:reporting")).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("officer", 200),
        ("supervisor", 200),
        ("cro", 200),
        ("chief", 200),
        ("training_officer", 200),
        ("outsider", 403),  # holds the duty but no role: not a department member at work
    ],
)
def test_input_page_for_a_holder_of_each_role(client_for, personas, persona, expected):
    duty(personas[persona])
    with time_machine.travel(at(2026, 4, 8), tick=False):
        response = client_for(personas[persona]).get(reverse("outreach:community-input"))
    assert response.status_code == expected
    if expected == 200:
        assert "Overdue by 1 day" in response.content.decode()


def test_input_page_refuses_a_non_holder_and_sends_anonymous_to_login(client, client_for, officer):
    assert client.get(reverse("outreach:community-input")).url.startswith("/accounts/login/")
    assert client.get(reverse("outreach:reporting")).url.startswith("/accounts/login/")
    assert client_for(officer).get(reverse("outreach:community-input")).status_code == 403


def test_input_page_shows_the_due_date_before_it_and_counts_overdue_after(client_for):
    holder = UserFactory(username="t-holder", roles=[Role.TRAINING_OFFICER])
    duty(holder)
    client = client_for(holder)
    url = reverse("outreach:community-input")
    with time_machine.travel(at(2026, 4, 7, 23, 30), tick=False):  # already Apr 8 in UTC
        html = client.get(url).content.decode()
    assert "Due Apr 7, 2026" in html and "Overdue" not in html
    assert "You have not reported yet." in html
    with time_machine.travel(at(2026, 5, 7), tick=False):
        html = client.get(url).content.decode()
    assert "Overdue by 30 days" in html
    assert "Your input for Q1 2026 is due April 7, 2026." in html


def test_input_page_bad_input_rerenders_and_good_input_moves_the_due_date(client_for):
    holder = UserFactory(username="t-holder", roles=[Role.SUPERVISOR])
    assignment = duty(holder)
    client = client_for(holder)
    url = reverse("outreach:community-input")
    with time_machine.travel(at(2026, 4, 7, 23, 30), tick=False):  # Apr 8 in UTC
        bad = client.post(url, {"suggestions": "More patrols."})
        assert bad.status_code == 200
        assert "More patrols." in bad.content.decode()
        assert not assignment.reports.exists()
        assert client.post(url, {"concerns_heard": "Speeding on Elm."}).status_code == 302
    with time_machine.travel(at(2026, 4, 9), tick=False):
        html = client.get(url).content.decode()
    assert "Due Jul 7, 2026" in html


def test_reporting_page_shows_overdue_by_days_and_due_dates(client_for, cro):
    late = UserFactory(username="t-late", first_name="Lena", last_name="Late", rank="")
    prompt = UserFactory(username="t-prompt", first_name="Paul", last_name="Prompt", rank="")
    duty(late, since=D(2026, 1, 1))
    report(duty(prompt, since=D(2026, 1, 1)), D(2026, 4, 2))
    with time_machine.travel(at(2026, 4, 20), tick=False):
        html = client_for(cro).get(reverse("outreach:reporting")).content.decode()
    assert "Overdue by 13 days" in html
    assert "Due Jul 7, 2026" in html
    assert "On time" in html
    assert html.index("Lena Late") < html.index("Paul Prompt")  # the overdue first


def test_reporting_page_queries_do_not_grow_with_rows(client_for, cro):
    def count():
        client = client_for(cro)
        with (
            CaptureQueriesContext(connection) as queries,
            time_machine.travel(at(2026, 4, 20), tick=False),
        ):
            assert client.get(reverse("outreach:reporting")).status_code == 200
        return len(queries)

    a = duty(UserFactory(username="t-a"))
    report(a, D(2026, 2, 1))
    few = count()
    for n in range(6):
        report(duty(UserFactory(username=f"t-b{n}")), D(2026, 3, 1))
    assert count() == few


def test_assignment_add_is_post_only(client_for, cro):
    assert client_for(cro).get(reverse("outreach:assignment-add")).status_code == 405


# --- The demo ----------------------------------------------------------------------------


@pytest.mark.parametrize("today", [at(2026, 4, 1), at(2026, 4, 8), at(2026, 12, 31, 23, 30)])
def test_demo_holder_without_officer_role_is_overdue(today):
    holder = UserFactory(username=demo_input.HOLDER, is_demo=True, roles=[Role.TRAINING_OFFICER])
    with time_machine.travel(today, tick=False):
        assert demo_input.seed() == {"reporting duties": 1, "input reports": 2}
        assert demo_input.seed() == {"reporting duties": 0, "input reports": 0}
        (assignment,) = input_due.active_assignments().filter(officer=holder)
        s = input_due.status_of(assignment, today.date())
    assert not holder.has_role(Role.OFFICER)
    assert s.overdue and 0 < s.days_overdue <= 92
