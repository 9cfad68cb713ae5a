"""Reporting periods and their due dates (the compliance calendar)."""

import calendar
import datetime as dt

from accounts.models import Agency
from reports.models import Report

K = Report.Kind
# A survey's written summary reaches the Chief within 30 days of the survey closing.
SURVEY_SUMMARY_DAYS = 30


def period_containing(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    if kind == K.MONTHLY:
        return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
    if kind == K.QUARTERLY:
        first_month = (day.month - 1) // 3 * 3 + 1
        last_month = first_month + 2
        return (
            dt.date(day.year, first_month, 1),
            dt.date(day.year, last_month, calendar.monthrange(day.year, last_month)[1]),
        )
    if kind == K.SEMI_ANNUAL:
        if day.month <= 6:
            return dt.date(day.year, 1, 1), dt.date(day.year, 6, 30)
        return dt.date(day.year, 7, 1), dt.date(day.year, 12, 31)
    if kind in (K.ANNUAL, K.TRANSPARENCY):
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    raise ValueError(kind)


def previous_period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    start, _ = period_containing(kind, day)
    return period_containing(kind, start - dt.timedelta(days=1))


def due_date(kind: str, period_end: dt.date, agency=None) -> dt.date:
    """By default: monthly by the 10th of the next month, quarterly 15 days after the
    quarter, semi-annual 30 days after the half, annual (and transparency) by January 31.
    Each agency may set its own in its profile."""
    agency = agency or Agency.load()
    if kind == K.MONTHLY:
        return (period_end + dt.timedelta(days=1)).replace(day=agency.monthly_due_day)
    if kind == K.QUARTERLY:
        return period_end + dt.timedelta(days=agency.quarterly_due_days)
    if kind == K.SEMI_ANNUAL:
        return period_end + dt.timedelta(days=agency.semi_annual_due_days)
    if kind == K.SURVEY:
        return period_end + dt.timedelta(days=SURVEY_SUMMARY_DAYS)
    return period_end + dt.timedelta(days=agency.annual_due_days)


def calendar_rows(today: dt.date, *, periods_back: int = 3) -> list[dict]:
    """The last few periods of each kind: due date and where its report stands."""
    agency = Agency.load()
    rows = []
    for kind in K:
        if kind == K.SURVEY:  # due from the survey's closing, not on a calendar
            continue
        day = today
        for _ in range(1 if kind in (K.ANNUAL, K.TRANSPARENCY) else periods_back):
            start, end = previous_period(kind, day)
            rows.append(
                {"kind": kind, "start": start, "end": end, "due": due_date(kind, end, agency)}
            )
            day = start
    reports = Report.objects.filter(period_start__in={r["start"] for r in rows}).values_list(
        "kind", "period_start", "status", "submitted_at"
    )
    best = {}
    rank = {"approved": 3, "submitted": 2, "returned": 1, "draft": 0}
    for kind, start, status, submitted_at in reports:
        key = (kind, start)
        if key not in best or rank[status] > rank[best[key][0]]:
            best[key] = (status, submitted_at)
    for row in rows:
        status, submitted_at = best.get((row["kind"], row["start"]), (None, None))
        row["status"] = status
        row["done"] = status in ("submitted", "approved")
        row["overdue"] = not row["done"] and today > row["due"]
        row["due_soon"] = not row["done"] and not row["overdue"] and (row["due"] - today).days <= 7
    rows.sort(key=lambda r: (r["done"], r["due"]))
    return rows
