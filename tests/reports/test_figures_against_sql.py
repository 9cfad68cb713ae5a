"""Every figure of every report kind, checked against an independent computation in plain
SQL over an adversarial data set: steps at 23:30 local time on a period's last day (already
the next day in UTC), a quarter crossing the day the clocks change, concerns reopened,
recategorised and imported, a routing never acknowledged, a referral due after its period,
and recommendations on concerns of the same quarter.

The SQL here does not use the querysets under test: it rebuilds each concern's open
stretches from its timeline (received, resolved, reopened) with a window function, and
counts steps by their kind.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from concerns.models import Concern, ConcernUpdate, Referral, Routing
from core.roles import Role
from programs.models import Program, ProgramEvaluation
from reports.builders import build
from tests.factories import (
    ActivityFactory,
    ConcernFactory,
    DepartmentFactory,
    ProgramFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("America/Chicago")
K = ConcernUpdate.Kind
# "Now" for the whole module: every period below has ended.
NOW = dt.datetime(2027, 2, 15, 12, 0, tzinfo=TZ)


def at(y, m, d, hh=12, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=TZ)


def step(concern, kind, when, text="step"):
    with time_machine.travel(when, tick=False):
        ConcernUpdate.objects.create(concern=concern, kind=kind, text=text)


def concern(day, **kw):
    received = dt.datetime.combine(day, dt.time(9), tzinfo=TZ)
    with time_machine.travel(received, tick=False):
        c = ConcernFactory(date_received=day, **kw)
        ConcernUpdate.objects.create(concern=c, kind=K.RECEIVED, text="received")
    return c


def resolve(c, when):
    step(c, K.RESOLVED, when)
    c.status, c.resolved_at = "resolved", when
    c.save(update_fields=["status", "resolved_at"])


def reopen(c, when):
    step(c, K.REOPENED, when)
    c.status, c.resolved_at = "reopened", None
    c.save(update_fields=["status", "resolved_at"])


@pytest.fixture
def world():
    """The adversarial data set, with names for the tests' own assertions."""
    cro = UserFactory(roles=[Role.CRO])
    w = {}
    # Received on the quarter's last day at 23:30 (05:30 UTC the next day is Q4 in UTC).
    w["last_minute"] = concern(dt.date(2026, 9, 30))
    step(w["last_minute"], K.RECOMMENDATION, at(2026, 9, 30, 23, 30), "Speed trailer on Elm")
    # A recommendation at 00:10 on the first day of Q4: Q4's, not Q3's.
    step(w["last_minute"], K.RECOMMENDATION, at(2026, 10, 1, 0, 10), "Follow-up patrols")
    # Received in Q3, recommended in Q3 (the same quarter).
    w["same_quarter"] = concern(dt.date(2026, 8, 3))
    step(w["same_quarter"], K.RECOMMENDATION, at(2026, 8, 20), "Meet the watch group")
    # Earlier, open and untouched through Q3: "no progress".
    w["untouched"] = concern(dt.date(2026, 3, 2))
    # Earlier, resolved in 2025: in no 2026 progress list.
    w["old_resolved"] = concern(dt.date(2025, 4, 1))
    resolve(w["old_resolved"], at(2025, 5, 1))
    # Resolved before Q3, reopened in Q3: open in Q3, the reopening is progress.
    w["reopened_in"] = concern(dt.date(2026, 5, 4))
    resolve(w["reopened_in"], at(2026, 6, 10))
    reopen(w["reopened_in"], at(2026, 8, 5))
    # Resolved before Q3, reopened after it: resolved all through Q3.
    w["reopened_after"] = concern(dt.date(2026, 6, 1))
    resolve(w["reopened_after"], at(2026, 6, 15))
    reopen(w["reopened_after"], at(2026, 11, 2))
    # Resolved at 23:30 on Q3's last day: resolved in Q3.
    w["resolved_late"] = concern(dt.date(2026, 4, 6))
    resolve(w["resolved_late"], at(2026, 9, 30, 23, 30))
    # Recategorised and imported during Q3: neither is progress.
    w["recategorised"] = concern(dt.date(2026, 2, 2))
    step(w["recategorised"], K.EDITED, at(2026, 7, 14), "Category: traffic to parking")
    w["imported_open"] = concern(dt.date(2026, 1, 5))
    step(w["imported_open"], K.IMPORTED, at(2026, 8, 15), "Imported from file")
    w["imported_2019"] = concern(dt.date(2019, 3, 4))
    resolve(w["imported_2019"], at(2019, 6, 1))
    step(w["imported_2019"], K.IMPORTED, at(2026, 8, 15), "Imported from file")
    # Across the clocks' change (November 1, 2026): received and worked that night.
    w["dst"] = concern(dt.date(2026, 10, 31))
    step(w["dst"], K.NOTE, dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=TZ), "Called back")
    # A routing never acknowledged and one acknowledged after the month.
    unit = UnitFactory(name="Traffic")
    for day, acknowledged in (
        (dt.date(2026, 9, 24), None),
        (dt.date(2026, 9, 29), at(2026, 10, 2)),
    ):
        with time_machine.travel(at(day.year, day.month, day.day, 10), tick=False):
            Routing.objects.create(
                concern=w["untouched"],
                unit=unit,
                routed_by=cro,
                acknowledged_at=acknowledged,
                acknowledged_by=cro if acknowledged else None,
            )
    # Referrals: one due after the month ends, one overdue, one answered after the month.
    dept = DepartmentFactory(name="Public Works")
    for referred, due, answered in (
        (dt.date(2026, 9, 20), dt.date(2026, 10, 10), None),
        (dt.date(2026, 9, 1), dt.date(2026, 9, 15), None),
        (dt.date(2026, 9, 2), dt.date(2026, 9, 16), dt.date(2026, 10, 3)),
    ):
        Referral.objects.create(
            concern=w["same_quarter"],
            department=dept,
            referred_on=referred,
            due_on=due,
            referred_by=cro,
            responded_on=answered,
            response="Sign replaced." if answered else "",
            response_recorded_by=cro if answered else None,
        )
    # Activities: CSR kinds and others, one on the year's last day; program sessions.
    program = ProgramFactory(
        name="Coffee with a Cop", status=Program.Status.ACTIVE, active_since=dt.date(2025, 1, 1)
    )
    ProgramFactory(
        name="Never ran", status=Program.Status.PROPOSED
    )  # proposed: in no report's programs
    ProgramFactory(
        name="Since December", status=Program.Status.ACTIVE, active_since=dt.date(2026, 12, 1)
    )
    for day, kind, prog in (
        (dt.date(2026, 3, 3), "safety_class", None),
        (dt.date(2026, 8, 8), "organization_meeting", program),
        (dt.date(2026, 9, 30), "security_inspection", None),
        (dt.date(2026, 12, 31), "foot_patrol", None),
    ):
        ActivityFactory(date=day, kind=kind, program=prog)
    ProgramEvaluation.objects.create(
        program=program,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        evaluator=cro,
        rating=4,
        criteria="c",
        outcomes="o",
        recommendation="continue",
        status="submitted",
        submitted_at=at(2026, 7, 3),
    )
    return w


def sql(query, params=()):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def bounds(first: dt.date, last: dt.date):
    start = dt.datetime.combine(first, dt.time.min, tzinfo=TZ)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    return start, end


# Each concern's open stretches, from its arrival or a reopening to the next resolution;
# those received before the period that overlap it.
OPEN_STRETCHES = """
WITH moves AS (
    SELECT c.id, (c.date_received::timestamp AT TIME ZONE %(tz)s) AS t, 'open' AS move
      FROM concerns_concern c
    UNION ALL
    SELECT u.concern_id, u.created_at,
           CASE u.kind WHEN 'resolved' THEN 'closed' ELSE 'open' END
      FROM concerns_concernupdate u WHERE u.kind IN ('resolved', 'reopened')
), stretches AS (
    SELECT id, move, t, lead(t) OVER (PARTITION BY id ORDER BY t, move) AS until FROM moves
)
SELECT DISTINCT c.reference FROM stretches s JOIN concerns_concern c ON c.id = s.id
 WHERE s.move = 'open' AND s.t < %(end)s
   AND COALESCE(s.until, 'infinity') > %(start)s
   AND c.date_received < %(first)s
"""


def open_during_sql(first, last):
    start, end = bounds(first, last)
    rows = sql(
        OPEN_STRETCHES,
        {"tz": "America/Chicago", "start": start, "end": end, "first": first},
    )
    return {r[0] for r in rows}


def progress_steps_sql(first, last):
    start, end = bounds(first, last)
    return dict(
        sql(
            """SELECT c.reference, count(*) FROM concerns_concernupdate u
               JOIN concerns_concern c ON c.id = u.concern_id
               WHERE u.created_at >= %s AND u.created_at < %s
                 AND u.kind NOT IN ('received', 'imported', 'edited')
               GROUP BY c.reference""",
            [start, end],
        )
    )


QUARTERS = [
    (dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
    (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
    (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    (dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("first,last", QUARTERS, ids=["Q1", "Q2", "Q3", "Q4"])
def test_quarterly_figures_equal_the_sql(world, first, last):
    data = build("quarterly", first, last)
    (received,) = sql(
        "SELECT count(*) FROM concerns_concern WHERE date_received BETWEEN %s AND %s",
        [first, last],
    )[0]
    assert data["received"] == received
    # 3. Every recommendation made in the quarter, by local time.
    start, end = bounds(first, last)
    expected = sql(
        """SELECT c.reference, u.text FROM concerns_concernupdate u
           JOIN concerns_concern c ON c.id = u.concern_id
           WHERE u.kind = 'recommendation' AND u.created_at >= %s AND u.created_at < %s
           ORDER BY u.created_at, u.id""",
        [start, end],
    )
    assert [(r["reference"], r["text"]) for r in data["recommendations"]] == expected
    # 4. Every earlier concern open at some moment of the quarter, with its steps.
    assert {p["reference"] for p in data["progress"]} == open_during_sql(first, last)
    steps = progress_steps_sql(first, last)
    for p in data["progress"]:
        assert p["steps"] == steps.get(p["reference"], 0), p["reference"]
    assert data["progress_untouched"] == sum(1 for p in data["progress"] if not p["steps"])
    waits = [p["received"] for p in data["progress"]]
    assert waits == sorted(waits)  # longest waiting first


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("first,last", QUARTERS[2:], ids=["Q3", "Q4"])
def test_what_was_done_on_earlier_concerns_equals_the_sql(world, first, last):
    """Each earlier concern's kinds of step inside the quarter (a resolution apart) and
    whether it was resolved in it and stayed so to the quarter's end (the two quarters in
    which the data set works on earlier concerns)."""
    start, end = bounds(first, last)
    rows = sql(
        """SELECT c.reference, array_agg(DISTINCT u.kind ORDER BY u.kind),
                  c.status = 'resolved' AND c.resolved_at < %(end)s
           FROM concerns_concernupdate u JOIN concerns_concern c ON c.id = u.concern_id
           WHERE u.created_at >= %(start)s AND u.created_at < %(end)s
             AND u.kind NOT IN ('received', 'imported', 'edited')
           GROUP BY c.reference, c.status, c.resolved_at""",
        {"start": start, "end": end},
    )
    done = {reference: (set(kinds), resolved) for reference, kinds, resolved in rows}
    labels = dict(K.choices)
    progress = build("quarterly", first, last)["progress"]
    assert any(p["what"] for p in progress)
    for p in progress:
        kinds, resolved_by_end = done.get(p["reference"], (set(), False))
        named = [str(labels[k]) for k in K.values if k in kinds and k != K.RESOLVED]
        assert p["what"] == ", ".join(named), p["reference"]
        assert p["resolved_this_quarter"] == (K.RESOLVED in kinds and resolved_by_end)


@time_machine.travel(NOW, tick=False)
def test_the_q3_cases_land_where_they_belong(world):
    q3 = {p["reference"]: p for p in build("quarterly", *QUARTERS[2])["progress"]}
    q4 = {p["reference"]: p for p in build("quarterly", *QUARTERS[3])["progress"]}
    ref = {name: c.reference for name, c in world.items()}
    assert q3[ref["untouched"]]["steps"] == 0
    assert q3[ref["reopened_in"]]["steps"] == 1
    assert q3[ref["resolved_late"]]["resolved_this_quarter"] is True
    assert q3[ref["recategorised"]]["steps"] == 0
    assert q3[ref["imported_open"]]["steps"] == 0
    for absent in ("old_resolved", "reopened_after", "imported_2019"):
        assert ref[absent] not in q3, absent
    assert ref["reopened_after"] in q4 and q4[ref["reopened_after"]]["steps"] == 1
    assert ref["resolved_late"] not in q4


@time_machine.travel(NOW, tick=False)
def test_each_recommendation_is_in_exactly_one_quarter(world):
    seen = [r["text"] for q in QUARTERS for r in build("quarterly", *q)["recommendations"]]
    (total,) = sql("SELECT count(*) FROM concerns_concernupdate WHERE kind = 'recommendation'")[0]
    assert len(seen) == len(set(seen)) == total
    q3 = [r["text"] for r in build("quarterly", *QUARTERS[2])["recommendations"]]
    assert "Speed trailer on Elm" in q3 and "Meet the watch group" in q3
    assert "Follow-up patrols" not in q3


MONTHS = [
    (dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
]


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("first,last", MONTHS, ids=["September", "November"])
def test_monthly_figures_equal_the_sql(world, first, last):
    data = build("monthly", first, last)
    (received,) = sql(
        "SELECT count(*) FROM concerns_concern WHERE date_received BETWEEN %s AND %s",
        [first, last],
    )[0]
    assert data["received"] == received == len(data["concerns"])
    assert sum(n for _label, n in data["by_category"]) == received
    assert sum(t["count"] for t in data["themes"]["by_category"]) == received
    awaiting = sql(
        """SELECT c.reference, r.due_on < %s FROM concerns_referral r
           JOIN concerns_concern c ON c.id = r.concern_id
           WHERE r.referred_on <= %s AND (r.responded_on IS NULL OR r.responded_on > %s)
           ORDER BY r.due_on, r.id""",
        [last, last, last],
    )
    assert [(r["reference"], r["overdue"]) for r in data["awaiting_referrals"]] == awaiting
    start, end = bounds(first, last)
    (routings,) = sql(
        """SELECT count(*) FROM concerns_routing WHERE routed_at < %s
           AND (acknowledged_at IS NULL OR acknowledged_at >= %s)""",
        [end, end],
    )[0]
    assert len(data["awaiting_routings"]) == routings
    (acts,) = sql(
        "SELECT count(*) FROM outreach_outreachactivity WHERE date BETWEEN %s AND %s",
        [first, last],
    )[0]
    assert data["activity_total"] == acts == sum(a["count"] for a in data["activities"])


@time_machine.travel(NOW, tick=False)
def test_september_calls_overdue_only_what_was_due_in_september(world):
    data = build("monthly", *MONTHS[0])
    overdue = {(r["due_on"], r["overdue"]) for r in data["awaiting_referrals"]}
    # Due October 10: awaited, not overdue; due September 15: overdue; answered October 3:
    # still awaited as of September 30.
    assert overdue == {("2026-10-10", False), ("2026-09-15", True), ("2026-09-16", True)}
    routed = {(r["routed_on"], r["overdue"]) for r in data["awaiting_routings"]}
    # Routed Thursday 24th: due Monday 28th, overdue by the 30th. Routed Tuesday 29th: due
    # Thursday October 1, not yet overdue; acknowledged October 2, so awaited on the 30th.
    assert routed == {("2026-09-24", True), ("2026-09-29", False)}


LATEST_QUOTES = {
    "category": """SELECT reference, summary FROM concerns_concern
        WHERE duplicate_of_id IS NULL AND date_received BETWEEN %s AND %s AND category = %s
        ORDER BY date_received DESC, id DESC LIMIT 3""",
    "area": """SELECT reference, summary FROM concerns_concern
        WHERE duplicate_of_id IS NULL AND date_received BETWEEN %s AND %s AND area = %s
        ORDER BY date_received DESC, id DESC LIMIT 3""",
}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "kind,first,last",
    [("annual", dt.date(2026, 1, 1), dt.date(2026, 12, 31)), ("quarterly", *QUARTERS[2])],
)
def test_the_themes_quote_the_latest_summaries_of_each_key(world, kind, first, last):
    """Each category's and each busiest area's latest three summaries: the period's counted
    concerns, newest first, the later made first on the same day."""
    for n in range(4):
        concern(last, category="noise", area="Harbor Point", summary=f"Loud music {n}")
    themes = build(kind, first, last)["themes"]
    categories = {str(label): value for value, label in Concern.Category.choices}
    quoted = 0
    for field, label_to_key in (("category", categories.get), ("area", lambda label: label)):
        for theme in themes[f"by_{field}"]:
            key = label_to_key(theme["label"])
            expected = sql(LATEST_QUOTES[field], [first, last, key])
            assert [(q["reference"], q["summary"]) for q in theme["quotes"]] == expected
            quoted += len(expected)
    assert quoted >= 6
    harbor = next(t for t in themes["by_area"] if t["label"] == "Harbor Point")
    assert [q["summary"] for q in harbor["quotes"]] == [f"Loud music {n}" for n in (3, 2, 1)]


@time_machine.travel(NOW, tick=False)
def test_semi_annual_and_annual_programs_equal_the_sql(world):
    first, last = dt.date(2026, 7, 1), dt.date(2026, 12, 31)
    expected = sql(
        """SELECT p.name FROM programs_program p
           WHERE (p.status IN ('active', 'suspended') AND p.active_since <= %(last)s)
              OR EXISTS (SELECT 1 FROM outreach_outreachactivity a WHERE a.program_id = p.id
                         AND a.date BETWEEN %(first)s AND %(last)s)
              OR EXISTS (SELECT 1 FROM programs_programevaluation e WHERE e.program_id = p.id
                         AND e.period_end >= %(first)s AND e.period_start <= %(last)s)
           ORDER BY p.name""",
        {"first": first, "last": last},
    )
    half = build("semi_annual", first, last)
    assert [p["program"] for p in half["programs"]] == [r[0] for r in expected]
    # The next evaluation falls due six months after the one waiting for the Chief.
    coffee = {p["program"]: p for p in half["programs"]}["Coffee with a Cop"]
    assert coffee["due_on"] == "2026-12-30"
    first_half = {
        p["program"]: p
        for p in build("semi_annual", dt.date(2026, 1, 1), dt.date(2026, 6, 30))["programs"]
    }
    assert first_half["Coffee with a Cop"]["state"] == "waiting"
    assert "Since December" not in first_half and "Never ran" not in first_half
    year = build("annual", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    # Every headline equals the sum of the table under it.
    assert year["programs_active"] == len(year["programs"])
    assert year["program_sessions"] == sum(p["sessions"] for p in year["programs"])
    (sessions,) = sql(
        """SELECT count(*) FROM outreach_outreachactivity
           WHERE program_id IS NOT NULL AND date BETWEEN '2026-01-01' AND '2026-12-31'"""
    )[0]
    assert year["program_sessions"] == sessions
    assert year["csr_total"] + year["other_activities"] == year["activities"]
    assert sum(r["this"] for r in year["csr"]) == year["csr_total"]
    assert sum(r["this"] for r in year["by_category"]) == year["received"]
    (activities,) = sql(
        "SELECT count(*) FROM outreach_outreachactivity "
        "WHERE date BETWEEN '2026-01-01' AND '2026-12-31'"
    )[0]
    assert year["activities"] == activities


@time_machine.travel(NOW, tick=False)
def test_transparency_figures_equal_the_sql_with_small_counts_suppressed(world):
    first, last = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    data = build("transparency", first, last)
    (received, resolved) = sql(
        "SELECT count(*), count(*) FILTER (WHERE status = 'resolved') FROM concerns_concern "
        "WHERE date_received BETWEEN %s AND %s",
        [first, last],
    )[0]
    (referred,) = sql(
        "SELECT count(*) FROM concerns_referral WHERE referred_on BETWEEN %s AND %s",
        [first, last],
    )[0]
    (activities,) = sql(
        "SELECT count(*) FROM outreach_outreachactivity WHERE date BETWEEN %s AND %s",
        [first, last],
    )[0]

    def shown(n):
        return n if n >= 5 else "fewer than 5"

    assert data["received"] == shown(received)
    # Resolved and open add up to the total: beside a small one, the other is not shown.
    still_open = received - resolved
    if min(resolved, still_open) >= 5 or received < 5:
        assert (data["resolved"], data["open"]) == (shown(resolved), shown(still_open))
    elif resolved < 5:
        assert (data["resolved"], data["open"]) == ("fewer than 5", None)
    else:
        assert (data["resolved"], data["open"]) == (None, "fewer than 5")
    assert data["referred"] == shown(referred)
    assert data["activities"] == shown(activities)
    # Grouped (tests/reports/test_transparency_groups.py checks the groups themselves).
    assert "by_category" not in data
    assert all(n == "fewer than 5" or n >= 5 for _label, n, _cats in data["by_group"])
