"""The Chief's dashboard: what the community worries about, what the department is doing
about it, and what waits (000 III, 001 IV.C, 002 300.4(i)).

Every figure is an aggregate in SQL over an indexed date range or the open concerns, so the
number of queries is fixed and the cost follows the period, not the decade of records.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, Sum, Window
from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Area
from concerns import counts
from concerns.acknowledgement import overdue_summary
from concerns.models import Concern, ConcernUpdate, Referral
from core.roles import Role
from desk.dashboard_areas import open_by_area
from desk.dashboard_surveys import surveys
from outreach.models import ActivityDayTally, CommunityOrganization, OutreachActivity
from programs.services import evaluation_dates, with_programs
from reports.periods import calendar_rows

C = Concern
# How many of the organizations not contacted lately are named (STALE_DAYS, in
# outreach/models/organizations.py, says which).
STALE_NAMED = 5
# Column heads narrow enough for the one-page PDF.
SHORT_STATUS = {
    "received": _("Received"),
    "escalated": _("Escalated"),
    "forwarded": _("To CRO"),
    "action_recommended": _("Action"),
    "referred": _("Referred"),
    "in_progress": _("Underway"),
    "reopened": _("Reopened"),
}
SPIKE_WINDOW_DAYS = 30
SPIKE_MIN = 3
# Concerns in no defined area, counted together (the typed location matched no area yet).
NOT_PLACED = _("Not placed")
NOT_PLACED_WORDS = _("places not yet matched to an area")


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.cut is not None:
            whole = Period(self.key, self.start, self.end).label if self.key != "custom" else ""
            if whole:
                return gettext("%(period)s, to %(day)s") % {
                    "period": whole,
                    "day": date_format(self.cut, "M j"),
                }
            return self.span
        if self.key == "month":
            return date_format(self.start, "F Y")
        if self.key == "quarter":
            return gettext("Q%(quarter)d %(year)d") % {
                "quarter": (self.start.month - 1) // 3 + 1,
                "year": self.start.year,
            }
        if self.key == "year":
            return str(self.start.year)
        return f"{date_format(self.start, 'M j, Y')} – {date_format(self.end, 'M j, Y')}"

    # The day a period still running was cut at (so_far), or None for a whole period.
    cut: dt.date | None = None

    def so_far(self, today: dt.date) -> "Period":
        """The period up to today when it is still running: its counts are then compared
        with the same days of the periods before, like for like (December 1-3 against
        November 1-3 and December 1-3 a year earlier, never a partial month against a whole
        one, which a reader takes for a fall)."""
        if self.start <= today < self.end:
            return Period(self.key, self.start, today, cut=today)
        return self

    @property
    def span(self) -> str:
        """Its days in words: "Dec 1–3, 2026", "Nov 29 – Dec 3, 2026"."""
        return span_words(self.start, self.end)

    @property
    def previous(self) -> tuple[dt.date, dt.date]:
        """The period of the same kind just before; for a period still running, its same
        number of days from that period's start."""
        whole = self._whole_previous()
        if self.cut is None:
            return whole
        return whole[0], min(whole[1], whole[0] + (self.end - self.start))

    def _whole_previous(self) -> tuple[dt.date, dt.date]:
        if self.key == "month":
            end = self.start - dt.timedelta(days=1)
            return end.replace(day=1), end
        if self.key == "quarter":
            end = self.start - dt.timedelta(days=1)
            return _quarter(end)
        if self.key == "year":
            return dt.date(self.start.year - 1, 1, 1), dt.date(self.start.year - 1, 12, 31)
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return end - length, end

    @property
    def last_year(self) -> tuple[dt.date, dt.date]:
        return _year_back(self.start), _year_back(self.end)


def _labels(choices) -> dict:
    """Value to label, as plain text in the active language (the figures are cached)."""
    return {value: str(label) for value, label in choices}


def _spike_words(category: str, area: str, recent: int, usual: float) -> str:
    if usual >= 0.5:
        return gettext(
            "%(category)s in %(area)s: %(recent)d concerns in the last %(days)d days, "
            "against about %(usual).0f a month over the year before."
        ) % {
            "category": category,
            "area": area,
            "recent": recent,
            "days": SPIKE_WINDOW_DAYS,
            "usual": usual,
        }
    return gettext(
        "%(category)s in %(area)s: %(recent)d concerns in the last %(days)d days, "
        "against almost none over the year before."
    ) % {"category": category, "area": area, "recent": recent, "days": SPIKE_WINDOW_DAYS}


def span_words(start: dt.date, end: dt.date) -> str:
    if start == end:
        return date_format(start, "M j, Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{date_format(start, 'M j')}–{date_format(end, 'j, Y')}"
    if start.year == end.year:
        return f"{date_format(start, 'M j')} – {date_format(end, 'M j, Y')}"
    return f"{date_format(start, 'M j, Y')} – {date_format(end, 'M j, Y')}"


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # February 29
        return day.replace(year=day.year - 1, day=28)


def _quarter(day: dt.date) -> tuple[dt.date, dt.date]:
    first = (day.month - 1) // 3 * 3 + 1
    last = first + 2
    return dt.date(day.year, first, 1), dt.date(
        day.year, last, calendar.monthrange(day.year, last)[1]
    )


def period_from(params, today: dt.date) -> tuple[Period, str]:
    """The period picked on the page (this month by default) and an error, if any."""
    key = params.get("period", "month")
    if key == "quarter":
        return Period("quarter", *_quarter(today)), ""
    if key == "year":
        return Period("year", dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)), ""
    if key == "custom":
        try:
            start = dt.date.fromisoformat(params.get("from", ""))
            end = dt.date.fromisoformat(params.get("to", ""))
        except ValueError:
            return _month(today), gettext(
                "Give both dates of the custom period; showing this month."
            )
        if end < start:
            return _month(today), gettext(
                "The custom period ends before it starts; showing this month."
            )
        if (end - start).days > 3660:
            return _month(today), gettext(
                "A custom period can be ten years at most; showing this month."
            )
        return Period("custom", start, end), ""
    return _month(today), ""


def _month(today: dt.date) -> Period:
    return Period(
        "month",
        today.replace(day=1),
        today.replace(day=calendar.monthrange(today.year, today.month)[1]),
    )


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    months = []
    year, month = today.year, today.month
    for _step in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def concern_figures(period: Period, today: dt.date) -> dict:
    """The open concerns by category and status, how long they have waited, and the new
    ones against the periods before, from the tallies (concerns/counts.py)."""
    cats, statuses = _labels(C.Category.choices), _labels(C.Status.choices)
    matrix: dict[str, dict[str, int]] = {}
    for (category, status), n in counts.open_by("category", "status").items():
        matrix.setdefault(category, {})[status] = n
    open_statuses = [s for s in C.Status.values if s in C.OPEN_STATUSES]
    by_category = sorted(
        (
            {
                "category": key,
                "label": cats[key],
                "total": sum(row.values()),
                "by_status": [row.get(s, 0) for s in open_statuses],
                # (status, n) for the page's cells, each linking to its list.
                "cells": [(s, row.get(s, 0)) for s in open_statuses],
            }
            for key, row in matrix.items()
        ),
        key=lambda r: (-r["total"], r["label"]),
    )
    # Days open from the open concerns' days received: the total, the oldest and the
    # median date.
    by_day = counts.open_by_day()
    total = sum(n for _, n in by_day)
    median = oldest = None
    if by_day:
        oldest = by_day[0][0]
        seen, middle = 0, (total + 1) // 2
        for day, n in by_day:
            seen += n
            if seen >= middle:
                median = day
                break
    age = {"n": total, "oldest": oldest, "median": median}
    prev, last_year = period.previous, period.last_year
    new = counts.received(
        {"this": (period.start, period.end), "previous": prev, "last_year": last_year}
    )
    return {
        "previous_words": span_words(*prev),
        "last_year_words": span_words(*last_year),
        "open_total": age["n"],
        "median_days_open": (today - age["median"]).days if age["median"] else None,
        "oldest": age["oldest"],
        "oldest_days": (today - age["oldest"]).days if age["oldest"] else None,
        "statuses": [(s, statuses[s]) for s in open_statuses],
        "short_statuses": [str(SHORT_STATUS.get(s, statuses[s])) for s in open_statuses],
        "by_category": by_category,
        "new": new,
        "previous_period": prev,
        "last_year_period": last_year,
    }


def conduct_flags(limit: int = 10) -> dict:
    """Open conduct or bias concerns no supervisor or Chief has acted on yet (001 IV.C)."""
    # Its arrival, the flag itself (named after whoever logged or recategorised it) and a
    # correction of its details are no examination of it; nor is what was done before it
    # became a conduct concern (a traffic concern forwarded, then recategorised).
    flag = ConcernUpdate.objects.filter(
        concern=OuterRef("concern"),
        kind=ConcernUpdate.Kind.ESCALATED,
        created_at__gt=OuterRef("created_at"),
    )
    acted = (
        ConcernUpdate.objects.filter(
            concern=OuterRef("pk"),
            author__groups__name__in=[Role.SUPERVISOR, Role.CHIEF],
        )
        .exclude(kind__in=[*ConcernUpdate.NOT_PROGRESS, ConcernUpdate.Kind.ESCALATED])
        .exclude(Exists(flag))
    )
    flagged = (
        C.objects.filter(category=C.Category.CONDUCT_BIAS, status__in=C.OPEN_STATUSES)
        .annotate(acted=Exists(acted))
        .filter(acted=False)
        .order_by("date_received", "id")
    )
    rows = list(
        flagged.values("pk", "reference", "date_received", "summary", "status", "area")[: limit + 1]
    )
    statuses = _labels(C.Status.choices)
    for row in rows:
        row["status_label"] = statuses[row["status"]]
    return {"rows": rows[:limit], "more": len(rows) > limit}


def trends(today: dt.date, months: int = 24, lines: int = 5) -> dict:
    """Concerns per month by category over 24 months; the biggest categories as lines."""
    starts = _month_starts(today, months)
    cats = _labels(C.Category.choices)
    per: dict[str, dict[dt.date, int]] = {}
    found = counts.received_by({"all": (starts[0], today)}, ("category",), monthly=True)
    for (month, category), n in found["all"].items():
        per.setdefault(category, {})[month] = n
    ranked = sorted(per, key=lambda k: -sum(per[k].values()))[:lines]
    months = [date_format(m, "M y") for m in starts]
    series = [(cats[k], [per[k].get(m, 0) for m in starts]) for k in ranked]
    totals = [sum(per[k].get(m, 0) for k in per) for m in starts]
    return {
        "months": months,
        "series": series,
        "totals": totals,
        # The table's rows: (month, each line's figure, all categories).
        "rows": [
            (month, [values[i] for _name, values in series], totals[i])
            for i, month in enumerate(months)
        ],
        # The last month is still running unless today is its last day: say so beside the
        # chart, whose last point would otherwise read as a fall (issue 23).
        "running_to": ""
        if (today + dt.timedelta(days=1)).month != today.month
        else date_format(today, "M j"),
    }


def spikes(today: dt.date, limit: int = 5) -> list[dict]:
    """A category in an area well above its own usual level: at least 3 concerns in the
    last 30 days, and at least twice (plus two) its monthly average over the year before.
    Areas are the agency's defined ones (accounts.Area), so a spelling never splits a count;
    concerns not yet placed in one are counted together as "Not placed"."""
    recent_from = today - dt.timedelta(days=SPIKE_WINDOW_DAYS - 1)
    year_from = recent_from - dt.timedelta(days=365)
    found_by = counts.received_by(
        {"recent": (recent_from, today), "before": (year_from, recent_from - dt.timedelta(1))},
        ("category", "area"),
    )
    recent, before = found_by["recent"], found_by["before"]
    keys = [key for key, n in recent.items() if n >= SPIKE_MIN]
    names = dict(
        Area.objects.filter(pk__in={area for _cat, area in keys if area}).values_list("pk", "name")
    )
    cats = _labels(C.Category.choices)
    found = []
    for category, area_id in keys:
        usual = before.get((category, area_id), 0) / 12
        n = recent[(category, area_id)]
        if n >= 2 * usual + 2:
            placed = area_id is not None
            area = names[area_id] if placed else str(NOT_PLACED)
            where = area if placed else str(NOT_PLACED_WORDS)
            found.append(
                {
                    "category": category,
                    "label": cats[category],
                    "area": area,
                    # The concern list's area filter: the area, or the unplaced ones.
                    "area_filter": area_id if placed else "null",
                    "recent": n,
                    "usual": round(usual, 1),
                    "words": _spike_words(cats[category], where, n, usual),
                }
            )
    found.sort(key=lambda s: (-(s["recent"] - s["usual"]), s["label"], s["area"]))
    return found[:limit]


def referrals(today: dt.date, limit: int = 6) -> dict:
    waiting = Referral.objects.filter(responded_on__isnull=True)
    counts = waiting.aggregate(n=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    rows = list(
        waiting.select_related("department")
        .order_by("referred_on", "id")
        .values(
            "concern_id",
            "concern__reference",
            "concern__summary",
            "department__name",
            "referred_on",
            "due_on",
        )[:limit]
    )
    for row in rows:
        row["days"] = (today - row["referred_on"]).days
        row["overdue"] = row["due_on"] < today
    return {"rows": rows, **counts}


def outreach(period: Period, today: dt.date, months: int = 12) -> dict:
    starts = _month_starts(today, months)
    per_month: dict[dt.date, int] = {}
    # From the activities' tally by day (core/tallies.py): a year of days, not of rows.
    for day, n in (
        ActivityDayTally.objects.filter(day__gte=starts[0], day__lte=today)
        .values_list("day")
        .annotate(total=Sum("n"))
        .order_by()
    ):
        per_month[day.replace(day=1)] = per_month.get(day.replace(day=1), 0) + n
    in_period = OutreachActivity.objects.filter(date__range=(period.start, period.end))
    kinds = _labels(OutreachActivity.Kind.choices)
    by_kind = [
        (kinds[k], n, people or 0)
        for k, n, people in in_period.values_list("kind")
        .annotate(n=Count("id"), people=Sum("attendance"))
        .order_by("-n", "kind")
    ]
    totals = {"n": sum(r[1] for r in by_kind), "people": sum(r[2] for r in by_kind)}
    prev = OutreachActivity.objects.filter(date__range=period.previous).count()
    # The first five by name with how many there are in all, in one query: the count is a
    # window over every row, taken before the limit.
    stale = list(
        CommunityOrganization.objects.active()
        .stale(today)
        .annotate(total=Window(Count("pk")))
        .order_by("name", "pk")
        .values("pk", "name", "total")[:STALE_NAMED]
    )
    return {
        "months": [date_format(m, "M y") for m in starts],
        "per_month": [per_month.get(m, 0) for m in starts],
        "by_kind": by_kind[:8],
        "activities": totals["n"],
        "attendance": totals["people"] or 0,
        "previous": prev,
        "previous_words": span_words(*period.previous),
        "stale_count": stale[0]["total"] if stale else 0,
        "stale": [{"pk": o["pk"], "name": o["name"]} for o in stale],
    }


# Evaluations named on the dashboard, most urgent first; the schedule page has them all.
PROGRAMS_SHOWN = 5


def programs(today: dt.date) -> dict:
    """The active programs and the evaluations due: the dates of all, the programs
    themselves of the few named."""
    dates = evaluation_dates(today)
    overdue = [r for r in dates if r["overdue"]]
    due_soon = [r for r in dates if r["due_soon"]]
    named = with_programs(overdue[:PROGRAMS_SHOWN] + due_soon[:PROGRAMS_SHOWN])
    return {
        "active": len(dates),
        "overdue": [r for r in named if r["overdue"]],
        "overdue_count": len(overdue),
        "due_soon": [r for r in named if r["due_soon"]],
        # How many more are due than the lines name, for "and N more".
        "more": max(len(overdue) - PROGRAMS_SHOWN, 0) + max(len(due_soon) - PROGRAMS_SHOWN, 0),
    }


def reports_due(today: dt.date) -> list[dict]:

    return [r for r in calendar_rows(today) if r["overdue"] or r["due_soon"]]


# The figures that move slowly (counts over months and years) are kept for two minutes, per
# period and day, in each web process; what waits for someone (conduct flags, referrals,
# evaluations and reports due, the inbox) is always read live.
CACHE_SECONDS = 120


def build_dashboard(period: Period, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    # A period still running is counted up to today and compared like for like.
    period = period.so_far(today)
    # Labels and sentences are cached as text: one entry per language.
    language = translation.get_language() or ""
    key = f"dashboard:{language}:{period.key}:{period.start}:{period.end}:{today}"
    slow = cache.get(key)
    if slow is None:
        slow = {
            "concerns": concern_figures(period, today),
            "trends": trends(today),
            "spikes": spikes(today),
            "by_area": open_by_area(period),
            "outreach": outreach(period, today),
            "surveys": surveys(),
            "computed_at": timezone.now(),
        }
        cache.set(key, slow, CACHE_SECONDS)
    return {
        **slow,
        "period": period,
        "today": today,
        "flags": conduct_flags(),
        "referrals": referrals(today),
        # 000 §III.5: routings a unit has not acknowledged in time, however old.
        "routings_overdue": overdue_summary(today),
        "programs": programs(today),
        "reports_due": reports_due(today),
    }
