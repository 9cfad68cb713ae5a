"""000 §III.5: a routing a unit has not acknowledged within two working days is overdue
until it is acknowledged, however old: on the concern's page, as a filter of the concern
list, on the dashboard (checked against plain SQL), and in the hourly sweep's reminders at
a bounded rate (issue 24)."""

import datetime as dt
import html

import holidays
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.working_days import working_calendar
from concerns import reminders as concern_reminders
from concerns import services
from concerns.acknowledgement import lateness, overdue_routings, overdue_summary
from concerns.models import Routing
from core.roles import Role
from desk.dashboard import Period, build_dashboard
from notifications import reminders
from notifications.models import Notification
from tests.factories import ConcernFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)  # a Friday


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


# The United States' public holidays (an agency profile's default country), read from the
# package directly, apart from the code under test.
DAYS_OFF = sorted(holidays.country_holidays("US", years=range(2024, 2028)))


def weekdays_between(after: dt.date, until: dt.date) -> int:
    """Counted one day at a time, apart from the code under test."""
    return sum(
        1
        for n in range(1, (until - after).days + 1)
        if (after + dt.timedelta(days=n)).weekday() < 5
        and after + dt.timedelta(days=n) not in DAYS_OFF
    )


@pytest.fixture
def commander(db):
    return UserFactory(username="t-lt-traffic", rank="Lt.", roles=[Role.SUPERVISOR])


@pytest.fixture
def traffic(commander):
    return UnitFactory(name="Traffic", commander=commander)


def routed(unit, when: dt.datetime, *, by, status="in_progress", reported_by=None) -> Routing:
    resolved_at = timezone.now() if status == "resolved" else None
    concern = ConcernFactory(status=status, resolved_at=resolved_at, reported_by=reported_by or by)
    routing = Routing.objects.create(concern=concern, unit=unit, routed_by=by)
    Routing.objects.filter(pk=routing.pk).update(routed_at=when)
    routing.refresh_from_db()
    return routing


# --- The rule ---------------------------------------------------------------------------


def test_overdue_after_two_working_days_over_a_weekend(traffic, cro):
    # Routed on Friday the 13th: Monday and Tuesday are its two days; Wednesday is late.
    routing = routed(traffic, at(dt.date(2026, 11, 13)), by=cro)
    assert lateness(routing, dt.date(2026, 11, 17)) is None
    late = lateness(routing, dt.date(2026, 11, 18))
    assert late.since == dt.date(2026, 11, 17) and late.working_days == 1
    assert list(overdue_routings(dt.date(2026, 11, 17))) == []
    assert list(overdue_routings(dt.date(2026, 11, 18))) == [routing]


def test_the_routing_day_is_the_local_day_not_the_utc_day(traffic, cro):
    # 23:30 on Tuesday in Chicago is already Wednesday in UTC.
    tuesday_night = routed(traffic, at(dt.date(2026, 11, 17), 23, 30), by=cro)
    wednesday_early = routed(traffic, at(dt.date(2026, 11, 18), 0, 30), by=cro)
    assert set(overdue_routings(TODAY)) == {tuesday_night}
    assert lateness(wednesday_early, TODAY) is None


def test_sql_and_python_agree_on_every_day_of_three_weeks(traffic, cro):
    """The list, the dashboard and the sweep (SQL) say what the page says (Python)."""
    first = dt.date(2026, 11, 2)
    routings = [
        routed(traffic, at(first + dt.timedelta(days=n), 8 + n % 12), by=cro) for n in range(21)
    ]
    for n in range(24):
        today = first + dt.timedelta(days=n)
        in_sql = set(overdue_routings(today))
        in_python = {r for r in routings if lateness(r, today) is not None}
        assert in_sql == in_python, today


def test_acknowledged_or_resolved_is_not_overdue(traffic, cro, commander):
    old = at(dt.date(2025, 9, 15))
    acknowledged = routed(traffic, old, by=cro)
    services.acknowledge_routing(routing=acknowledged, by=commander)
    resolved = routed(traffic, old, by=cro, status="resolved")
    waiting = routed(traffic, old, by=cro)
    assert list(overdue_routings(TODAY)) == [waiting]
    assert lateness(resolved, TODAY, resolved=True) is None


# --- The concern's page -----------------------------------------------------------------


@time_machine.travel(at(TODAY, 9), tick=False)
def test_page_says_the_unit_has_not_acknowledged_fourteen_months_on(
    client_for, traffic, cro, supervisor, commander
):
    routing = routed(traffic, at(dt.date(2025, 9, 16), 14), by=cro)  # a Tuesday
    days = weekdays_between(dt.date(2025, 9, 18), TODAY)
    page = client_for(supervisor).get(routing.concern.get_absolute_url())
    text = html.unescape(page.content.decode())
    assert (
        "Traffic has not acknowledged this routing: overdue since Sep 18, 2025, "
        f"{days} working days"
    ) in text
    assert days > 280
    # The commander sees it too, with the button; once acknowledged the line is gone.
    assert (
        "Acknowledge for Traffic"
        in client_for(commander).get(routing.concern.get_absolute_url()).content.decode()
    )
    services.acknowledge_routing(routing=routing, by=commander)
    text = client_for(supervisor).get(routing.concern.get_absolute_url()).content.decode()
    assert "has not acknowledged this routing" not in text


@time_machine.travel(at(TODAY, 9), tick=False)
def test_page_says_nothing_overdue_within_the_two_days(client_for, traffic, cro, supervisor):
    routing = routed(traffic, at(dt.date(2026, 11, 18)), by=cro)
    text = client_for(supervisor).get(routing.concern.get_absolute_url()).content.decode()
    assert "Not yet acknowledged" in text
    assert "has not acknowledged this routing" not in text


# --- The concern list -------------------------------------------------------------------

LIST = reverse("concerns:list")


@time_machine.travel(at(TODAY, 9), tick=False)
def test_list_filter_finds_only_overdue_routings(client_for, traffic, cro, supervisor, commander):
    overdue = routed(traffic, at(dt.date(2025, 9, 16)), by=cro)
    fresh = routed(traffic, at(dt.date(2026, 11, 19)), by=cro)
    done = routed(traffic, at(dt.date(2026, 10, 1)), by=cro)
    services.acknowledge_routing(routing=done, by=commander)
    never_routed = ConcernFactory(status="in_progress")
    text = client_for(supervisor).get(LIST + "?routing_overdue=on").content.decode()
    assert overdue.concern.reference in text
    for other in (fresh.concern, done.concern, never_routed):
        assert other.reference not in text
    everything = client_for(supervisor).get(LIST).content.decode()
    assert fresh.concern.reference in everything and never_routed.reference in everything


@time_machine.travel(at(TODAY, 9), tick=False)
def test_list_filter_keeps_to_what_the_user_may_see(client_for, traffic, cro, officer):
    own = routed(traffic, at(dt.date(2025, 9, 16)), by=cro, reported_by=officer)
    other = routed(traffic, at(dt.date(2025, 9, 16)), by=cro)
    text = client_for(officer).get(LIST + "?routing_overdue=on").content.decode()
    assert own.concern.reference in text and other.concern.reference not in text


@time_machine.travel(at(TODAY, 9), tick=False)
def test_list_filter_queries_do_not_grow_with_rows(client_for, traffic, cro, supervisor):
    client = client_for(supervisor)
    working_calendar()  # read once per five minutes, not per request (tests/accounts)
    routed(traffic, at(dt.date(2025, 9, 16)), by=cro)
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST + "?routing_overdue=on").status_code == 200
    for n in range(6):
        routed(traffic, at(dt.date(2025, 10, 1 + n)), by=cro)
    with CaptureQueriesContext(connection) as seven:
        assert client.get(LIST + "?routing_overdue=on").status_code == 200
    assert len(seven) == len(one)


# --- The dashboard: against plain SQL --------------------------------------------------


def overdue_in_sql(today: dt.date) -> tuple[int, str | None]:
    """Overdue = at least two working days (weekdays but public holidays) lie strictly
    between the local routing day and today, of an open concern, not acknowledged: written
    from the rule, not from the code."""
    where = """
        FROM concerns_routing r JOIN concerns_concern c ON c.id = r.concern_id
        WHERE r.acknowledged_at IS NULL AND c.status <> 'resolved'
          AND (SELECT count(*) FROM generate_series(
                 (r.routed_at AT TIME ZONE %(tz)s)::date + 1, %(today)s::date - 1,
                 interval '1 day') AS d
               WHERE extract(isodow FROM d) < 6 AND d::date <> ALL(%(off)s)) >= 2"""
    params = {"tz": settings.TIME_ZONE, "today": today, "off": DAYS_OFF}
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) " + where, params)
        n = cursor.fetchone()[0]
        cursor.execute("SELECT c.reference " + where + " ORDER BY r.routed_at LIMIT 1", params)
        row = cursor.fetchone()
    return n, row[0] if row else None


def test_dashboard_figure_matches_plain_sql(traffic, cro, commander):
    patrol = UnitFactory(name="Patrol", commander=commander)
    oldest = routed(traffic, at(dt.date(2025, 9, 16)), by=cro)
    routed(patrol, at(dt.date(2026, 11, 13)), by=cro)  # due Tue 17: overdue
    routed(patrol, at(dt.date(2026, 11, 17), 23, 30), by=cro)  # local Tuesday: overdue
    routed(patrol, at(dt.date(2026, 11, 18), 0, 30), by=cro)  # Wednesday: due today
    routed(traffic, at(dt.date(2026, 11, 14)), by=cro)  # a Saturday: due Tue 17
    routed(traffic, at(dt.date(2025, 1, 6)), by=cro, status="resolved")
    acked = routed(traffic, at(dt.date(2024, 11, 1)), by=cro)
    services.acknowledge_routing(routing=acked, by=commander)
    reopened = routed(patrol, at(dt.date(2026, 3, 2)), by=cro, status="reopened")
    for today in (TODAY, dt.date(2026, 11, 17), dt.date(2026, 11, 23), dt.date(2025, 9, 18)):
        n, reference = overdue_in_sql(today)
        summary = overdue_summary(today)
        assert summary["n"] == n, today
        assert (summary["oldest"] or {}).get("reference") == reference, today
    figure = build_dashboard_figure(TODAY)
    assert figure["n"] == 5
    assert figure["oldest"]["reference"] == oldest.concern.reference
    assert figure["oldest"]["unit"] == "Traffic"
    assert figure["oldest"]["working_days"] == weekdays_between(dt.date(2025, 9, 18), TODAY)
    assert reopened.concern.reference != figure["oldest"]["reference"]


def build_dashboard_figure(today):
    return build_dashboard(Period("month", today.replace(day=1), today), today)["routings_overdue"]


def test_dashboard_figure_is_one_query_whatever_the_rows(traffic, cro, django_assert_num_queries):
    working_calendar()  # read once per five minutes, not per request (tests/accounts)
    routed(traffic, at(dt.date(2025, 9, 16)), by=cro)
    with django_assert_num_queries(1):
        assert overdue_summary(TODAY)["n"] == 1
    for n in range(8):
        routed(traffic, at(dt.date(2026, 10, 1 + n)), by=cro)
    with django_assert_num_queries(1):
        assert overdue_summary(TODAY)["n"] == 9
    with django_assert_num_queries(1):
        assert overdue_summary(dt.date(2025, 9, 1)) == {"n": 0, "oldest": None}


@time_machine.travel(at(TODAY, 9), tick=False)
def test_dashboard_shows_the_figure_and_links_to_the_list(client_for, traffic, cro, chief):
    routing = routed(traffic, at(dt.date(2025, 9, 16)), by=cro)
    text = html.unescape(client_for(chief).get(reverse("home")).content.decode())
    assert "Routings not acknowledged, overdue: 1" in text
    assert f"Oldest: {routing.concern.reference}, routed to Traffic on Sep 16, 2025" in text
    assert LIST + "?routing_overdue=on&sort=oldest" in text


# --- The sweep: reminded, at a bounded rate, until acknowledged --------------------------


def reminders_of(routing) -> int:
    return Notification.objects.filter(
        kind="routing_unacknowledged", url=routing.concern.get_absolute_url()
    ).count()


def sweep_hourly(first: dt.datetime, hours: int, every: int = 1) -> None:
    """The sweep's routing step, run each hour as the sweep runs it (the whole sweep is
    run at the moments that matter below: it carries the step)."""
    for n in range(0, hours, every):
        with time_machine.travel(first + dt.timedelta(hours=n), tick=False):
            concern_reminders.routings_unacknowledged(timezone.now())


def test_sweep_reminds_once_then_weekly_after_thirty_days_never_forgets(traffic, cro, commander):
    routed_on = dt.date(2026, 1, 8)  # a Thursday
    routing = routed(traffic, at(routed_on), by=cro)
    # Due Monday the 12th: nothing until Tuesday, then one reminder.
    sweep_hourly(at(dt.date(2026, 1, 12), 0), 24)
    assert reminders_of(routing) == 0
    with time_machine.travel(at(dt.date(2026, 1, 13), 0, 5), tick=False):
        reminders.sweep()
    assert reminders_of(routing) == 1
    sweep_hourly(at(dt.date(2026, 1, 13), 1), 23)
    assert reminders_of(routing) == 1
    # Every day of the first thirty: no more.
    for day in range(6, 30):
        with time_machine.travel(at(routed_on + dt.timedelta(days=day), 12), tick=False):
            concern_reminders.routings_unacknowledged(timezone.now())
    assert reminders_of(routing) == 1
    # From the thirtieth day: one every seven days, the sweep running all week long.
    sweep_hourly(at(routed_on + dt.timedelta(days=30), 0), 24 * 7, every=3)
    assert reminders_of(routing) == 2
    sweep_hourly(at(routed_on + dt.timedelta(days=37), 0), 24)
    assert reminders_of(routing) == 3
    # Fourteen months on it is still reminded, once that week.
    with time_machine.travel(at(routed_on + dt.timedelta(days=425), 9), tick=False):
        reminders.sweep()
    sweep_hourly(at(routed_on + dt.timedelta(days=425), 10), 3)
    assert reminders_of(routing) == 4
    # Acknowledged: no more, ever.
    services.acknowledge_routing(routing=routing, by=commander)
    for day in (432, 439, 500):
        with time_machine.travel(at(routed_on + dt.timedelta(days=day), 12), tick=False):
            reminders.sweep()
    assert reminders_of(routing) == 4


def test_sweep_over_many_old_routings_sends_one_each_that_week(traffic, cro):
    """A database imported with years of unacknowledged routings: one reminder per routing
    per person that week, however often the sweep runs."""
    old = [routed(traffic, at(dt.date(2023 + n % 3, 3, 1 + n)), by=cro) for n in range(5)]
    sweep_hourly(at(TODAY, 0), 24)
    assert [reminders_of(r) for r in old] == [1] * 5
    assert Notification.objects.filter(kind="routing_unacknowledged").count() == 5
