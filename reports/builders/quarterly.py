"""The quarterly report (001 IV.A 1-5): current concerns, potential problems, recommended
actions and progress on earlier concerns, and the month-by-month activities."""

import datetime as dt
from collections import defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Q
from django.utils.dates import MONTHS

from concerns.models import Concern, ConcernUpdate
from core.windows import Window, window
from outreach.models import OutreachActivity
from reports.builders._areas import received_by_area
from reports.builders._common import (
    _breakdown,
    _concern_rows,
    _labels,
    recommendations_made,
    themes,
)

C = Concern
K = ConcernUpdate.Kind


def progress_on_earlier(w: Window) -> list[dict]:
    """001 IV.A.4: every concern received before the window and open at some moment of it,
    longest waiting first, with the steps taken on it inside the window ("no progress"
    when none). Its arrival, an import and a correction of its details are not progress."""
    cats, kinds = _labels(C.Category.choices), _labels(K.choices)
    inside = Q(updates__created_at__gte=w.start, updates__created_at__lt=w.end) & ~Q(
        updates__kind__in=ConcernUpdate.NOT_PROGRESS
    )
    rows = (
        Concern.objects.open_during(w)
        .filter(date_received__lt=w.first_day)
        .annotate(
            steps=Count("updates", filter=inside),
            kinds=ArrayAgg("updates__kind", filter=inside, distinct=True, default=[]),
        )
        .order_by("date_received", "id")
        .values(
            "reference",
            "summary",
            "category",
            "date_received",
            "status",
            "resolved_at",
            "steps",
            "kinds",
        )
    )
    # The steps in the kinds' own order, worked out once: an enum's .values builds its list
    # anew on each read, which cost seconds over a busy quarter's two hundred thousand rows.
    step_kinds = [k for k in K.values if k != K.RESOLVED]
    resolved, closed = K.RESOLVED.value, C.Status.RESOLVED.value
    out = []
    for r in rows:
        resolved_by_end = r["status"] == closed and r["resolved_at"] < w.end
        out.append(
            {
                "reference": r["reference"],
                "summary": r["summary"],
                "category": cats[r["category"]],
                "received": r["date_received"].isoformat(),
                "waited_days": (w.last_day - r["date_received"]).days,
                "steps": r["steps"],
                # What else was done (a resolution is said by resolved_this_quarter).
                "what": ", ".join(kinds[k] for k in step_kinds if k in r["kinds"]),
                "resolved_this_quarter": resolved in r["kinds"] and resolved_by_end,
                "open_at_end": not resolved_by_end,
            }
        )
    return out


def quarterly(start: dt.date, end: dt.date) -> dict:
    """001 IV.A 1-5."""
    w = window(start, end)
    received = Concern.objects.received_in(w)
    progress = progress_on_earlier(w)
    # 5. Monthly activities: counts per month and kind, in one grouped query.
    kinds = _labels(OutreachActivity.Kind.choices)
    per_month = defaultdict(dict)
    for row in (
        OutreachActivity.objects.filter(date__range=(start, w.last_day))
        .values("date__month", "kind")
        .annotate(n=Count("id"))
    ):
        per_month[kinds[row["kind"]]][row["date__month"]] = row["n"]
    months = [start.month, start.month + 1, start.month + 2]
    return {
        "as_of": w.as_of.isoformat(),
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "by_area": received_by_area(received),
        "themes": themes(received),
        "current_concerns": _concern_rows(received),
        "potential_problems": _concern_rows(received.filter(nature=C.Nature.POTENTIAL)),
        "recommendations": recommendations_made(w),
        "progress": progress,
        "progress_worked": sum(1 for p in progress if p["steps"]),
        "progress_untouched": sum(1 for p in progress if not p["steps"]),
        "resolved_earlier_concerns": sum(1 for p in progress if p["resolved_this_quarter"]),
        "months": [str(MONTHS[m]) for m in months],
        "activity_matrix": [
            {"kind": kind, "counts": [counts.get(m, 0) for m in months]}
            for kind, counts in sorted(per_month.items())
        ],
    }
