"""The dashboard's concern and outreach figures come from the tallies the database keeps
(concerns/counts.py, core/tallies.py). Each is held here to an independent computation in
plain SQL over the rows themselves, over two years of concerns that were logged, moved,
closed and merged, for periods that start and end mid-month and on months' edges."""

import datetime as dt
import random

import pytest
from django.db import connection

from concerns import counts
from concerns.models import Concern
from core import tallies
from desk import dashboard
from desk.dashboard import Period
from desk.dashboard_areas import open_by_area
from tests.accounts.test_maps import make_town
from tests.factories import ActivityFactory, ConcernFactory

TODAY = dt.date(2026, 12, 4)
OPEN = tuple(Concern.OPEN_STATUSES)
CATEGORIES = ["noise", "traffic", "conduct_bias", "narcotics"]


def sql(query: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


@pytest.fixture
def decade(officer):
    """About 400 concerns over 26 months, in three areas and none; some closed, some
    merged into a lead, some moved after they were logged; compacted halfway."""
    rng = random.Random(26)
    areas = [*make_town()[1:], None]
    concerns = []
    for i in range(400):
        day = TODAY - dt.timedelta(days=rng.randrange(0, 800))
        concerns.append(
            ConcernFactory(
                date_received=day,
                category=rng.choice(CATEGORIES),
                defined_area=rng.choice(areas),
                reported_by=officer,
            )
        )
        if i == 200:
            tallies.compact()
    # A cluster in the last 30 days: a spike to find.
    for days in range(8):
        concerns.append(
            ConcernFactory(
                date_received=TODAY - dt.timedelta(days=days * 3),
                category="narcotics",
                defined_area=areas[0],
                reported_by=officer,
            )
        )
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    for concern in rng.sample(concerns, 120):
        Concern.objects.filter(pk=concern.pk).update(status="resolved", resolved_at=now)
    for concern in rng.sample(concerns, 60):
        Concern.objects.filter(pk=concern.pk).update(status=rng.choice(OPEN), resolved_at=None)
    leads = concerns[:20]
    for lead, other in zip(leads, rng.sample(concerns[20:], 20), strict=True):
        Concern.objects.filter(pk=other.pk).update(
            duplicate_of=lead, status="resolved", resolved_at=now
        )
    for concern in rng.sample(concerns[40:], 30):
        Concern.objects.filter(pk=concern.pk).update(
            category=rng.choice(CATEGORIES),
            date_received=TODAY - dt.timedelta(days=rng.randrange(0, 800)),
            defined_area=rng.choice(areas),
        )
    for day in rng.sample(range(0, 400), 40):
        ActivityFactory(date=TODAY - dt.timedelta(days=day), logged_by=officer)
    return concerns


PERIODS = [
    Period("month", dt.date(2026, 12, 1), dt.date(2026, 12, 31)).so_far(TODAY),
    Period("quarter", dt.date(2026, 10, 1), dt.date(2026, 12, 31)).so_far(TODAY),
    Period("year", dt.date(2026, 1, 1), dt.date(2026, 12, 31)).so_far(TODAY),
    Period("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    Period("custom", dt.date(2025, 3, 17), dt.date(2026, 8, 9)),
]


def counted_between(start, end) -> int:
    return sql(
        "SELECT count(*) FROM concerns_concern WHERE duplicate_of_id IS NULL "
        "AND date_received BETWEEN %s AND %s",
        [start, end],
    )[0][0]


@pytest.mark.django_db
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.key}-{p.start}")
def test_concern_figures_equal_plain_sql(decade, period):
    figures = dashboard.concern_figures(period, TODAY)
    matrix = {
        (c, s): n
        for c, s, n in sql(
            "SELECT category, status, count(*) FROM concerns_concern "
            "WHERE status = ANY(%s) GROUP BY 1, 2",
            [list(OPEN)],
        )
    }
    statuses = [s for s, _label in figures["statuses"]]
    shown = {
        (row["category"], status): n
        for row in figures["by_category"]
        for status, n in zip(statuses, row["by_status"], strict=True)
        if n
    }
    assert shown == matrix
    ((open_total, oldest),) = sql(
        "SELECT count(*), min(date_received) FROM concerns_concern WHERE status = ANY(%s)",
        [list(OPEN)],
    )
    median = sql(
        "SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY date_received) "
        "FROM concerns_concern WHERE status = ANY(%s)",
        [list(OPEN)],
    )[0][0]
    assert figures["open_total"] == open_total
    assert figures["oldest"] == oldest
    assert figures["median_days_open"] == (TODAY - median).days
    assert figures["new"] == {
        "this": counted_between(period.start, period.end),
        "previous": counted_between(*period.previous),
        "last_year": counted_between(*period.last_year),
    }


@pytest.mark.django_db
def test_trends_equal_plain_sql(decade):
    trends = dashboard.trends(TODAY, lines=len(CATEGORIES))
    rows = sql(
        "SELECT date_trunc('month', date_received)::date, category, count(*) "
        "FROM concerns_concern WHERE duplicate_of_id IS NULL "
        "AND date_received BETWEEN %s AND %s GROUP BY 1, 2",
        [dt.date(2025, 1, 1), TODAY],
    )
    per_month = {}
    for _month, _category, n in rows:
        per_month[_month] = per_month.get(_month, 0) + n
    months = [dt.date(2025 + (m // 12), m % 12 + 1, 1) for m in range(0, 24)]
    assert trends["totals"] == [per_month.get(m, 0) for m in months]
    labels = dict(Concern.Category.choices)
    for label, series in trends["series"]:
        category = next(k for k, v in labels.items() if str(v) == label)
        assert series == [
            sum(n for m, c, n in rows if m == month and c == category) for month in months
        ]


@pytest.mark.django_db
def test_open_and_new_by_area_equal_plain_sql(decade):
    period = PERIODS[1]
    figure = open_by_area(period)
    open_rows = dict(
        sql(
            "SELECT defined_area_id, count(*) FROM concerns_concern WHERE status = ANY(%s) "
            "AND duplicate_of_id IS NULL GROUP BY 1",
            [list(OPEN)],
        )
    )
    new_rows = {
        area: (this, previous)
        for area, this, previous in sql(
            "SELECT defined_area_id, "
            "count(*) FILTER (WHERE date_received BETWEEN %s AND %s), "
            "count(*) FILTER (WHERE date_received BETWEEN %s AND %s) "
            "FROM concerns_concern WHERE duplicate_of_id IS NULL GROUP BY 1",
            [period.start, period.end, *period.previous],
        )
    }
    shown = {
        r["not_placed"] or r["area"]: (r["open"], r["this"], r["previous"])
        for r in figure["change"]
    }
    names = dict(sql("SELECT id, code || ' · ' || name FROM accounts_area"))
    expected = {}
    for area in set(open_rows) | set(new_rows):
        this, previous = new_rows.get(area, (0, 0))
        if open_rows.get(area, 0) or this or previous:
            expected[names[area] if area else True] = (open_rows.get(area, 0), this, previous)
    assert shown == expected


@pytest.mark.django_db
def test_spikes_equal_plain_sql(decade):
    recent_from = TODAY - dt.timedelta(days=dashboard.SPIKE_WINDOW_DAYS - 1)
    year_from = recent_from - dt.timedelta(days=365)
    rows = sql(
        "SELECT category, defined_area_id, "
        "count(*) FILTER (WHERE date_received >= %s), "
        "count(*) FILTER (WHERE date_received < %s) "
        "FROM concerns_concern WHERE duplicate_of_id IS NULL "
        "AND date_received BETWEEN %s AND %s GROUP BY 1, 2",
        [recent_from, recent_from, year_from, TODAY],
    )
    expected = sorted(
        (c, str(a) if a else "null", recent)
        for c, a, recent, before in rows
        if recent >= dashboard.SPIKE_MIN and recent >= 2 * before / 12 + 2
    )
    found = dashboard.spikes(TODAY, limit=100)
    assert expected
    assert sorted((s["category"], str(s["area_filter"]), s["recent"]) for s in found) == expected


@pytest.mark.django_db
def test_outreach_per_month_equals_plain_sql(decade):
    figures = dashboard.outreach(PERIODS[0], TODAY)
    rows = dict(
        sql(
            "SELECT date_trunc('month', date)::date, count(*) FROM outreach_outreachactivity "
            "WHERE date BETWEEN %s AND %s GROUP BY 1",
            [dt.date(2026, 1, 1), TODAY],
        )
    )
    assert figures["per_month"] == [rows.get(dt.date(2026, m, 1), 0) for m in range(1, 13)]
    assert sum(figures["per_month"]) > 0


RANGES = [
    (dt.date(2026, 11, 5), TODAY),  # a spike's 30 days: November less five, December's four
    (dt.date(2025, 11, 5), dt.date(2026, 11, 4)),  # the year before it
    (dt.date(2026, 12, 1), TODAY),  # the month so far, early
    (dt.date(2026, 11, 1), dt.date(2026, 11, 27)),  # a month less its last days
    (dt.date(2026, 2, 3), dt.date(2026, 2, 25)),  # inside one month, both ends cut
    (dt.date(2026, 2, 1), dt.date(2026, 2, 28)),  # a whole month
    (dt.date(2025, 3, 17), dt.date(2026, 8, 9)),  # across a new year, mid-month ends
    (dt.date(2025, 1, 31), dt.date(2025, 3, 1)),  # a day at each end
    (dt.date(2024, 12, 1), TODAY + dt.timedelta(days=20)),  # into days still to come
]


@pytest.mark.django_db
@pytest.mark.parametrize("monthly", [False, True])
def test_received_by_equals_plain_sql_for_any_range(decade, monthly):
    """Each range counted from the months' tally, with a partial month's days added or its
    other days taken away (counts._split), against a count of the rows themselves."""
    ranges = {f"r{i}": span for i, span in enumerate(RANGES)}
    found = counts.received_by(ranges, ("category", "area"), monthly=monthly)
    for name, (start, end) in ranges.items():
        rows = sql(
            "SELECT date_trunc('month', date_received)::date, category, defined_area_id, "
            "count(*) FROM concerns_concern WHERE duplicate_of_id IS NULL "
            "AND date_received BETWEEN %s AND %s GROUP BY 1, 2, 3",
            [start, end],
        )
        expected = {}
        for month, category, area, n in rows:
            key = (month, category, area) if monthly else (category, area)
            expected[key] = expected.get(key, 0) + n
        assert found[name] == expected, name


def test_a_partial_month_is_read_by_its_fewer_days():
    """November 5 to December 4: November less its first four days, December's first four."""
    assert counts._split(dt.date(2026, 11, 5), dt.date(2026, 12, 4)) == (
        [dt.date(2026, 11, 1)],
        [(dt.date(2026, 12, 1), dt.date(2026, 12, 4))],
        [(dt.date(2026, 11, 1), dt.date(2026, 11, 4))],
    )
    # Late in a month, the month so far is the month less the days to come.
    assert counts._split(dt.date(2026, 12, 1), dt.date(2026, 12, 25)) == (
        [dt.date(2026, 12, 1)],
        [],
        [(dt.date(2026, 12, 26), dt.date(2026, 12, 31))],
    )
    # Whole months alone.
    assert counts._split(dt.date(2026, 1, 1), dt.date(2026, 3, 31)) == (
        [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)],
        [],
        [],
    )
