"""Spikes by the agency's defined areas (issue 22): spellings of one place count as one,
concerns in no area count together as "Not placed", and the counts agree with plain SQL."""

import datetime as dt

import pytest
from django.db import connection

from desk.dashboard import SPIKE_WINDOW_DAYS, spikes
from tests.accounts.areas_helpers import make_area
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def make(n, category, typed, area, day):
    for _ in range(n):
        ConcernFactory(category=category, area=typed, defined_area=area, date_received=day)


def test_spellings_of_one_area_add_up_to_one_spike():
    beat = make_area("B3", "Beat 3")
    recent = TODAY - dt.timedelta(days=2)
    # Three spellings, 2 each: by text no spike (2 < 3); by area 6 against none, a spike.
    for typed in ("Beat 3 (downtown)", "beat 3", "400 block of Elm St"):
        make(2, "traffic", typed, beat, recent)
    [spike] = spikes(TODAY)
    assert (spike["category"], spike["area"], spike["recent"]) == ("traffic", "Beat 3", 6)
    assert spike["area_filter"] == beat.pk
    assert spike["words"].startswith("Traffic in Beat 3: 6 concerns in the last 30 days")


def test_concerns_in_no_area_count_together_as_not_placed():
    recent = TODAY - dt.timedelta(days=2)
    make(2, "noise", "Elm", None, recent)
    make(2, "noise", "Oak", None, recent)
    [spike] = spikes(TODAY)
    assert (spike["area"], spike["recent"], spike["area_filter"]) == ("Not placed", 4, "null")
    assert spike["words"].startswith("Noise in places not yet matched to an area: 4 concerns")


def test_spike_counts_by_area_agree_with_sql():
    beats = [make_area(f"B{i}", f"Beat {i}") for i in range(3)]
    start = TODAY - dt.timedelta(days=SPIKE_WINDOW_DAYS - 1)
    edges = [
        TODAY,
        start,  # the first day of the window is recent
        start - dt.timedelta(days=1),  # the day before is "before"
        start - dt.timedelta(days=365),  # the first day of the year before
        start - dt.timedelta(days=366),  # outside both
        TODAY + dt.timedelta(days=1),  # tomorrow: not counted
    ]
    for i, day in enumerate(edges):
        for j, area in enumerate([*beats, None]):
            make(3 + (i + j) % 4, ["traffic", "noise"][j % 2], f"typed {i}", area, day)
    found = {(s["category"], s["area"]): s["recent"] for s in spikes(TODAY, limit=100)}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.category, COALESCE(a.name, 'Not placed'),
                   COUNT(*) FILTER (WHERE c.date_received >= %(start)s),
                   COUNT(*) FILTER (WHERE c.date_received < %(start)s)
              FROM concerns_concern c LEFT JOIN accounts_area a ON a.id = c.defined_area_id
             WHERE c.date_received BETWEEN %(year)s AND %(today)s
             GROUP BY 1, 2
            """,
            {"start": start, "year": start - dt.timedelta(days=365), "today": TODAY},
        )
        expected = {
            (category, area): recent
            for category, area, recent, before in cursor.fetchall()
            if recent >= 3 and recent >= 2 * before / 12 + 2
        }
    assert found == expected
    assert len(found) >= 2  # the data makes spikes, so the comparison means something
