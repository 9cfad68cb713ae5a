"""The monthly report (001 IV.B.2.a, 003 1.a.8): the concerns received, the referrals
awaiting an answer, and the unit's activities by kind."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from concerns.models import Concern, Referral
from outreach.models import OutreachActivity
from reports.builders._common import _breakdown, _concern_rows, _labels

C = Concern


def _activity_kinds(qs) -> list[dict]:
    labels = _labels(OutreachActivity.Kind.choices)
    rows = (
        qs.values("kind")
        .annotate(n=Count("id"), people=Sum("attendance"), hours=Sum("staff_hours"))
        .order_by("-n", "kind")
    )
    return [
        {
            "kind": labels[r["kind"]],
            "csr": r["kind"] in OutreachActivity.CSR_KINDS,
            "count": r["n"],
            "attendance": r["people"] or 0,
            "hours": str(r["hours"] or 0),
        }
        for r in rows
    ]


def _awaiting_referrals(end: dt.date) -> list[dict]:
    """Referrals made and not answered as of the report's moment: the period's end once it
    has passed, today while it runs. A referral is overdue when its answer was due before
    that day, so a draft written mid-month calls nothing overdue that is not yet due."""
    as_of = min(end, timezone.localdate())
    qs = (
        Referral.objects.filter(referred_on__lte=as_of)
        .filter(Q(responded_on__isnull=True) | Q(responded_on__gt=as_of))
        .select_related("department")
        .order_by("due_on", "id")
        .values("concern__reference", "department__name", "referred_on", "due_on")
    )
    return [
        {
            "reference": r["concern__reference"],
            "department": r["department__name"],
            "referred_on": r["referred_on"].isoformat(),
            "due_on": r["due_on"].isoformat(),
            "overdue": r["due_on"] < as_of,
        }
        for r in qs
    ]


def monthly(start: dt.date, end: dt.date) -> dict:
    """001 IV.B.2.a, 003 1.a.8: what was received, what is awaited, what the unit did."""
    received = Concern.objects.filter(date_received__range=(start, end))
    activities = OutreachActivity.objects.filter(date__range=(start, end))
    return {
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "by_source": _breakdown(received, "source_type", C.SourceType.choices),
        "by_nature": _breakdown(received, "nature", C.Nature.choices),
        "by_status": _breakdown(received, "status", C.Status.choices),
        "concerns": _concern_rows(received),
        "awaiting_referrals": _awaiting_referrals(end),
        "activities": _activity_kinds(activities),
        "activity_total": activities.count(),
    }
