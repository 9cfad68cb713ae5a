"""A long listing is counted in SQL while the report is a draft, and frozen line by line
beside its figures at submission (reports/builders/_listings.py): the summary counted in
SQL is the one its lines give, and both are what plain SQL counts; a submitted report's CSV
file is its frozen lines, whatever happens to the concerns afterwards."""

import datetime as dt
import hashlib
import json
from collections import Counter

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns.models import Concern
from reports import services
from reports.builders import _listings, build
from reports.builders._listings import LONG, counted_rows, frozen_text, summarise
from reports.models import Report, ReportListing
from reports.pdf import figures_file
from tests.factories import ConcernFactory
from tests.reports import test_figures_against_sql as against_sql
from tests.reports.test_figures_against_sql import (
    NOW,
    QUARTERS,
    TZ,
    bounds,
    open_during_sql,
    progress_steps_sql,
    sql,
)
from tests.reports.test_listings import read_csv

pytestmark = pytest.mark.django_db
# The adversarial data set of the figures' own tests.
world = against_sql.world


@pytest.fixture
def limit(monkeypatch):
    """One line is the limit: every listing of the adversarial quarter is a long one."""
    monkeypatch.setattr(_listings, "LISTING_LIMIT", 1)
    return 1


def without_digest(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "sha256"}


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    "kind,first,last",
    [
        ("quarterly", *QUARTERS[2]),
        ("quarterly", *QUARTERS[3]),
        ("monthly", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    ],
    ids=["Q3", "Q4", "September"],
)
def test_a_long_listing_counted_in_sql_is_what_its_lines_and_plain_sql_say(
    world, limit, kind, first, last
):
    draft = build(kind, first, last)
    lines = {}
    frozen = build(kind, first, last, lines)
    long = draft.get(LONG, {})
    assert set(long) == set(frozen.get(LONG, {})) == set(lines)
    for key, summary in long.items():
        assert draft[key] == [] and frozen[key] == []
        assert summary == without_digest(frozen[LONG][key]), key
        assert summary == summarise(counted_rows(json.loads(lines[key]))), key
        assert frozen[LONG][key]["sha256"] == hashlib.sha256(lines[key].encode()).hexdigest()
    # The concerns received, by category and status, in plain SQL.
    labels = {k: str(v) for k, v in [*Concern.Category.choices, *Concern.Status.choices]}
    counted = sql(
        """SELECT category, status, count(*) FROM concerns_concern
           WHERE date_received BETWEEN %s AND %s AND duplicate_of_id IS NULL
           GROUP BY category, status""",
        [first, last],
    )
    expected = Counter({(labels[c], labels[s]): n for c, s, n in counted})
    listing = "current_concerns" if kind == "quarterly" else "concerns"
    if expected.total() > limit:
        assert long[listing] == summarise(expected)
    else:
        assert counted_rows(draft[listing]) == expected
    # The recommended actions made in the period, by their concern's category.
    start, end = bounds(first, last)
    made = sql(
        """SELECT c.category, count(*) FROM concerns_concernupdate u
           JOIN concerns_concern c ON c.id = u.concern_id
           WHERE u.kind = 'recommendation' AND u.created_at >= %s AND u.created_at < %s
           GROUP BY c.category""",
        [start, end],
    )
    expected = Counter({(labels[c], ""): n for c, n in made})
    if expected.total() > limit:
        assert long["recommendations"] == summarise(expected)
    else:
        assert counted_rows(draft["recommendations"]) == expected
    if kind == "quarterly":
        # 4. by category, in plain SQL over the concerns open during the quarter.
        refs = open_during_sql(first, last)
        by_category = sql(
            "SELECT category, count(*) FROM concerns_concern WHERE reference = ANY(%s)"
            " GROUP BY category",
            [list(refs)],
        )
        expected = Counter({(labels[c], ""): n for c, n in by_category})
        assert len(refs) > limit and long["progress"] == summarise(expected)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("first,last", QUARTERS, ids=["Q1", "Q2", "Q3", "Q4"])
@pytest.mark.parametrize("short", [True, False], ids=["listed", "summarised"])
def test_progress_figures_are_what_the_lines_and_plain_sql_say(
    world, monkeypatch, first, last, short
):
    if not short:
        monkeypatch.setattr(_listings, "LISTING_LIMIT", 0)
    lines = {}
    data = build("quarterly", first, last, lines)
    rows = json.loads(lines["progress"]) if "progress" in lines else data["progress"]
    # A draft counts them in SQL; a submission from the lines it freezes: the same.
    draft = build("quarterly", first, last)
    for figure in ("progress_worked", "progress_untouched", "resolved_earlier_concerns"):
        assert draft[figure] == data[figure], figure
    assert data["progress_worked"] == sum(1 for p in rows if p["steps"])
    assert data["progress_untouched"] == sum(1 for p in rows if not p["steps"])
    assert data["resolved_earlier_concerns"] == sum(1 for p in rows if p["resolved_this_quarter"])
    # And in plain SQL: worked is an earlier open concern with a step inside the quarter.
    steps = progress_steps_sql(first, last)
    refs = open_during_sql(first, last)
    assert data["progress_worked"] == sum(1 for ref in refs if steps.get(ref))
    assert data["progress_worked"] + data["progress_untouched"] == len(refs)


@time_machine.travel(NOW, tick=False)
def test_a_drafts_long_listing_reads_only_the_lines_past_the_limit(world, limit):
    with CaptureQueriesContext(connection) as queries:
        data = build("quarterly", *QUARTERS[2])
    assert data["current_concerns"] == [] and data[LONG]["current_concerns"]["total"] > limit
    lines = [
        q["sql"].rstrip()
        for q in queries.captured_queries
        if q["sql"].startswith(
            (
                'SELECT "concerns_concern"."reference" AS "reference"',
                'SELECT "concerns_concern"."id"',
            )
        )
    ]
    # The lines of the current concerns, the potential problems and the earlier concerns:
    # each asked for one past the limit, never in full.
    assert len(lines) == 3 and all(q.endswith("LIMIT 2") for q in lines), lines


# --- Submission -----------------------------------------------------------------------


@pytest.fixture
def submitted(cro, limit):
    for n, category in enumerate(["traffic", "traffic", "noise"], start=1):
        ConcernFactory(
            reference=f"CR-2026-{n:04d}",
            date_received=dt.date(2026, 7, n),
            category=category,
            summary=f"Speeding on Elm St, report {n}",
        )
    with time_machine.travel(dt.datetime(2026, 10, 20, 9, 0, tzinfo=TZ), tick=False):
        report = services.generate_report(kind="quarterly", day=dt.date(2026, 7, 1), by=cro)
        return services.submit_report(report=report, by=cro, late_reason="Late.")


def test_submission_freezes_the_lines_beside_the_figures(submitted):
    report = Report.objects.get(pk=submitted.pk)
    frozen = ReportListing.objects.get(report=report, key="current_concerns")
    assert [row["reference"] for row in frozen.rows] == [
        "CR-2026-0001",
        "CR-2026-0002",
        "CR-2026-0003",
    ]
    assert report.data["current_concerns"] == []
    summary = report.data[LONG]["current_concerns"]
    assert summary["total"] == 3
    # The digest is of the very text kept, which is the lines as JSON, keys sorted.
    assert summary["sha256"] == hashlib.sha256(frozen.lines.encode()).hexdigest()
    assert frozen.lines == frozen_text(frozen.rows)
    assert summary["rows"][0] == {"category": "Traffic", "counts": [2], "total": 2}
    # The short listing (no potential problem) stays in the figures, frozen nowhere else.
    assert not ReportListing.objects.filter(report=report, key="potential_problems").exists()


def test_a_submitted_reports_csv_is_its_frozen_lines(client_for, chief, submitted):
    Concern.objects.filter(reference="CR-2026-0002").update(summary="Changed afterwards")
    ConcernFactory(reference="CR-2026-0009", date_received=dt.date(2026, 7, 9))
    rows = read_csv(
        client_for(chief).get(reverse("reports:listing", args=[submitted.pk, "current_concerns"]))
    )
    assert [r[0] for r in rows[1:]] == ["CR-2026-0001", "CR-2026-0002", "CR-2026-0003"]
    assert rows[2][2] == "Speeding on Elm St, report 2"


def test_the_page_summarises_from_the_frozen_figures(client_for, cro, submitted):
    page = client_for(cro).get(submitted.get_absolute_url()).content.decode()
    assert "3 lines: too many to list in the report" in page
    assert "Download all 3 lines (CSV)" in page
    # No line of the listing is on the page (the themes may quote a resident's summary).
    assert "listed compactly" not in page and "Nature" not in page


def test_the_archived_figures_carry_every_frozen_line(submitted):
    report = Report.objects.get(pk=submitted.pk)
    content = json.loads(figures_file_content(report))
    assert content["data"] == report.data
    assert [r["reference"] for r in content["listings"]["current_concerns"]] == [
        "CR-2026-0001",
        "CR-2026-0002",
        "CR-2026-0003",
    ]


def figures_file_content(report: Report) -> bytes:
    # An approved report's figures file; its approver and time are not what is tested here.
    report.decided_at = report.submitted_at
    report.decided_by = report.submitted_by
    return figures_file(report).content


def test_submitting_again_freezes_the_lines_again(cro, chief, submitted):
    with time_machine.travel(dt.datetime(2026, 10, 21, 9, 0, tzinfo=TZ), tick=False):
        services.decide_report(report=submitted, by=chief, decision="return", comment="Redo.")
        ConcernFactory(reference="CR-2026-0004", date_received=dt.date(2026, 7, 4))
        services.submit_report(
            report=Report.objects.get(pk=submitted.pk), by=cro, late_reason="Late."
        )
    (frozen,) = ReportListing.objects.filter(report=submitted, key="current_concerns")
    assert len(frozen.rows) == 4
