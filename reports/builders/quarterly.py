"""The quarterly report (001 IV.A 1-5): current concerns, potential problems, recommended
actions and progress on earlier concerns, and the month-by-month activities."""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.dates import MONTHS

from concerns.models import Concern, ConcernUpdate
from outreach.models import OutreachActivity
from reports.builders._common import _breakdown, _concern_rows, _labels

C = Concern


def quarterly(start: dt.date, end: dt.date) -> dict:
    """001 IV.A 1-5."""
    received = Concern.objects.filter(date_received__range=(start, end))
    earlier = Concern.objects.filter(date_received__lt=start)
    in_quarter = ConcernUpdate.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end
    )
    # 3. Recommended actions this quarter on concerns identified before it.
    recommendations = (
        in_quarter.filter(kind=ConcernUpdate.Kind.RECOMMENDATION, concern__date_received__lt=start)
        .order_by("created_at", "id")
        .values("concern__reference", "concern__category", "text", "created_at")
    )
    cats = _labels(C.Category.choices)
    statuses = _labels(C.Status.choices)
    # 4. Progress on earlier concerns: what happened this quarter and where each stands.
    worked = (
        earlier.filter(Exists(in_quarter.filter(concern=OuterRef("pk"))))
        .annotate(
            steps=Count(
                "updates",
                filter=Q(updates__created_at__date__gte=start, updates__created_at__date__lte=end),
            ),
            resolved_now=Count(
                "updates",
                filter=Q(
                    updates__kind=ConcernUpdate.Kind.RESOLVED,
                    updates__created_at__date__gte=start,
                    updates__created_at__date__lte=end,
                ),
            ),
        )
        .order_by("date_received", "id")
        .values("reference", "category", "date_received", "status", "steps", "resolved_now")
    )
    progress = [
        {
            "reference": r["reference"],
            "category": cats[r["category"]],
            "received": r["date_received"].isoformat(),
            "steps": r["steps"],
            "resolved_this_quarter": bool(r["resolved_now"]),
            "status": statuses[r["status"]],
        }
        for r in worked
    ]
    # 5. Monthly activities: counts per month and kind, in one grouped query.
    kinds = _labels(OutreachActivity.Kind.choices)
    per_month = defaultdict(dict)
    for row in (
        OutreachActivity.objects.filter(date__range=(start, end))
        .values("date__month", "kind")
        .annotate(n=Count("id"))
    ):
        per_month[kinds[row["kind"]]][row["date__month"]] = row["n"]
    months = [start.month, start.month + 1, start.month + 2]
    return {
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "current_concerns": _concern_rows(received),
        "potential_problems": _concern_rows(received.filter(nature=C.Nature.POTENTIAL)),
        "recommendations": [
            {
                "reference": r["concern__reference"],
                "category": cats[r["concern__category"]],
                "text": r["text"],
                "date": r["created_at"].date().isoformat(),
            }
            for r in recommendations
        ],
        "progress": progress,
        "resolved_earlier_concerns": sum(1 for p in progress if p["resolved_this_quarter"]),
        "months": [str(MONTHS[m]) for m in months],
        "activity_matrix": [
            {"kind": kind, "counts": [counts.get(m, 0) for m in months]}
            for kind, counts in sorted(per_month.items())
        ],
    }
