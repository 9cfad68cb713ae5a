"""What makes a report's figures and its PDF quick without changing them (issue 26): the
figures counted with PostgreSQL's JIT compiler off, in a transaction of their own; the
layout's fork server started early and warmed up before its first child; the slowest
figures read from indexes that hold every column they need."""

import datetime as dt
import importlib
import re
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import layout as core_layout
from core.windows import window
from reports import builders
from reports import layout as report_layout
from reports.builders.quarterly import progress_tally

pytestmark = pytest.mark.django_db


def _show_jit(start, end):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return {"jit": cursor.fetchone()[0], "start": start.isoformat()}


def _jit_now() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_figures_are_counted_with_the_jit_off_and_only_while_counting(monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    monkeypatch.setitem(builders.BUILDERS, "quarterly", _show_jit)
    data = builders.build("quarterly", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert data == {"jit": "off", "start": "2026-07-01"}
    # SET LOCAL: the setting ends with the build's transaction. (Inside an outer one, a
    # request's or a render's, it lasts to that one's end: only the report's reads follow.)
    assert _jit_now() == "on"


@pytest.mark.django_db(transaction=True)
def test_a_builder_that_fails_leaves_nothing_behind(monkeypatch):
    def fails(start, end):
        raise ValueError("no figures")

    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    monkeypatch.setitem(builders.BUILDERS, "quarterly", fails)
    with pytest.raises(ValueError):
        builders.build("quarterly", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert _jit_now() == "on"


def test_the_real_quarterly_figures_are_built_inside_the_transaction():
    data = builders.build("quarterly", dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert data["received"] == 0 and data["progress"] == []


def test_warm_up_lays_out_and_writes_a_small_document(monkeypatch):
    written = []
    real = core_layout.lay_out

    def spy(html, **kwargs):
        laid_out = real(html, **kwargs)
        written.append(laid_out.write_pdf())
        return laid_out

    monkeypatch.setattr(core_layout, "lay_out", spy)
    core_layout.warm_up()
    # Laid out once by the spy (to look at it) and written by warm_up itself.
    assert len(written) == 1 and written[0].startswith(b"%PDF-")


def test_warm_up_never_raises(monkeypatch):
    def broken(html, **kwargs):
        raise OSError("no fonts on this machine")

    monkeypatch.setattr(core_layout, "lay_out", broken)
    core_layout.warm_up()  # a failure only means the first real layout pays for it


def test_the_fork_servers_preload_warms_up(monkeypatch):
    calls = []
    monkeypatch.setattr(core_layout, "warm_up", lambda: calls.append("warmed"))
    monkeypatch.delitem(sys.modules, "core.layout_ready", raising=False)
    importlib.import_module("core.layout_ready")
    assert calls == ["warmed"]


def test_the_fork_server_started_early_lays_out_pdfs():
    report_layout.start()
    report_layout.start()  # already running: nothing more
    pdf = report_layout.write_pdf("<p>Quarterly report</p>", base_url=".", timeout=60)
    assert pdf.startswith(b"%PDF-")


# --- What the slow figures read ---------------------------------------------------------


def _read_of(sql: str, table: str) -> set[str]:
    """The columns of `table` a query reads, as the ORM writes them ("table"."column"); a
    subquery's alias (U0) is another table's."""
    return set(re.findall(rf'"{table}"\."(\w+)"', sql))


def _held_by(index: str) -> set[str]:
    """Every column an index holds: its keys and the columns it includes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
            "WHERE c.relname = %s",
            [index],
        )
        return {row[0] for row in cursor.fetchall()}


def _covers(index: str, sql: str, table: str) -> None:
    """The index holds every column of the table the query reads: PostgreSQL can then answer
    from the index alone (an index-only scan), as it does at a million rows
    (docs/PERFORMANCE.md). Checked on the index itself, not on the plan: which plan the
    planner picks for the suite's nearly empty tables depends on their statistics and on
    PostgreSQL's version (it picked another index and filtered in the table once in CI)."""
    read = _read_of(sql, table)
    assert read, sql
    assert read <= _held_by(index), sorted(read - _held_by(index))


def _run(call, marker: str) -> str:
    """The SQL of the one query `call` runs that contains `marker`."""
    with CaptureQueriesContext(connection) as queries:
        call()
    found = [q["sql"] for q in queries.captured_queries if marker in q["sql"]]
    assert len(found) == 1, [q["sql"][:200] for q in queries.captured_queries]
    return found[0]


def test_the_earlier_concerns_open_during_a_quarter_are_read_from_the_date_index_alone():
    """Section 4's tally reads every concern received before the quarter: at a million
    concerns the table's 647 MB against the index's 103 MB (docs/PERFORMANCE.md). With
    resolved_at left out of concern_recent_idx, every one was read from the table."""
    w = window(dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    sql = _run(lambda: progress_tally(w), "GROUP BY")
    assert "resolved_at" in _read_of(sql, "concerns_concern")
    _covers("concern_recent_idx", sql, "concerns_concern")


def test_the_concerns_resolved_in_a_year_are_counted_from_their_own_index():
    sql = _run(
        lambda: builders.build("annual", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        '"concerns_concern"."resolved_at" >=',
    )
    _covers("concern_resolved_idx", sql, "concerns_concern")


def test_the_held_activities_of_a_year_are_counted_from_the_date_index_alone():
    """The default manager counts held activities only: with the status left out of
    activity_recent_idx every activity of the year was read from the table."""
    sql = _run(
        lambda: builders.build("annual", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        'SUM("outreach_outreachactivity"."attendance") AS "n"',
    )
    assert "status" in _read_of(sql, "outreach_outreachactivity")
    _covers("activity_recent_idx", sql, "outreach_outreachactivity")
