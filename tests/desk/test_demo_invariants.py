"""The demo a Chief is shown must not contradict itself: what is decided was submitted
first, a report waits for its period to end, sessions belong to programs that ran, and each
concern's timeline runs forward. Checked in SQL over the whole seeded demo."""

import pytest
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.django_db, pytest.mark.whole_demo]


@pytest.fixture
def demo(settings):
    """The whole demo, seeded inside the test's transaction (rolled back after it). One
    test holds every invariant: seeding takes most of a minute."""
    settings.DEBUG = True
    call_command("seed_demo")


def rows(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


DECIDED_TABLES = [
    "reports_report",
    "reports_plan",
    "reports_recommendation",
    "programs_programevaluation",
    "outreach_material",
    "surveys_survey",
]


def test_the_demo_does_not_contradict_itself(demo):
    nothing_decided_before_it_was_submitted()
    reports_wait_for_their_period_and_read_as_written()
    only_programs_that_ran_have_sessions()
    every_concern_timeline_runs_forward()


def nothing_decided_before_it_was_submitted():
    for table in DECIDED_TABLES:
        assert (
            rows(
                f"SELECT id FROM {table} WHERE decided_at IS NOT NULL "  # noqa: S608 - a constant
                "AND (submitted_at IS NULL OR decided_at < submitted_at)"
            )
            == []
        ), table


def reports_wait_for_their_period_and_read_as_written():
    assert (
        rows(
            "SELECT id FROM reports_report WHERE kind <> 'survey' AND submitted_at IS NOT NULL "
            "AND (submitted_at AT TIME ZONE 'America/Chicago')::date <= period_end"
        )
        == []
    )
    assert rows("SELECT id FROM reports_report WHERE late_reason LIKE '%%..%%'") == []
    # No two reports carry the same narrative text.
    repeated = rows(
        "SELECT value, count(*) FROM reports_report, jsonb_each_text(narratives) "
        "WHERE value <> '' GROUP BY value HAVING count(*) > 1"
    )
    assert repeated == []


def only_programs_that_ran_have_sessions():
    assert (
        rows(
            "SELECT p.name FROM outreach_outreachactivity a JOIN programs_program p "
            "ON p.id = a.program_id WHERE p.active_since IS NULL OR a.date < p.active_since"
        )
        == []
    )


def every_concern_timeline_runs_forward():
    tz = "America/Chicago"
    # Nothing happens to a concern before the day it was received.
    assert (
        rows(
            "SELECT c.reference FROM concerns_concernupdate u JOIN concerns_concern c "
            "ON c.id = u.concern_id WHERE (u.created_at AT TIME ZONE %s)::date < c.date_received",
            [tz],
        )
        == []
    )
    # A referral is made after the concern came in and answered after it was made.
    assert (
        rows(
            "SELECT c.reference FROM concerns_referral r JOIN concerns_concern c "
            "ON c.id = r.concern_id WHERE r.referred_on < c.date_received "
            "OR r.responded_on < r.referred_on"
        )
        == []
    )
    # An answer is recorded after the referral and after any escalation before it.
    assert (
        rows(
            "SELECT c.reference FROM concerns_concern c JOIN concerns_concernupdate a "
            "ON a.concern_id = c.id AND a.kind = 'response' WHERE EXISTS ("
            "SELECT 1 FROM concerns_concernupdate e WHERE e.concern_id = c.id "
            "AND e.kind IN ('escalated', 'referred') AND e.created_at > a.created_at)"
        )
        == []
    )
    assert rows("SELECT id FROM concerns_routing WHERE acknowledged_at < routed_at") == []
    assert (
        rows(
            "SELECT reference FROM concerns_concern WHERE "
            "(resolved_at AT TIME ZONE %s)::date < date_received",
            [tz],
        )
        == []
    )
