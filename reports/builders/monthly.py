"""The monthly report (001 IV.B.2.a, 003 1.a.8): the three parts the order names (current
concerns, potential problems, recommended actions), what was forwarded to other
departments and units and what they answered, and the unit's activities by kind."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.working_days import working_calendar
from concerns.models import Concern, Referral, Routing
from concerns.reminders import ACK_WORKING_DAYS
from core.windows import Window, window
from outreach.models import OutreachActivity
from outreach.models.activities import notice_missing_q
from reports.builders._common import (
    _breakdown,
    _labels,
    concern_listing,
    recommendations_made,
    themes,
)

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


def foot_patrols(qs) -> dict:
    """002 §300.3(d): the month's foot patrols and those missing a notification (the
    definition the activity list's filter uses: ActivityQuerySet.notice_missing)."""
    return qs.foot_patrols().aggregate(
        foot_patrols=Count("id"),
        foot_patrols_missing_notice=Count("id", filter=notice_missing_q()),
    )


def referrals_in(w: Window) -> list[dict]:
    """Each concern forwarded to a city department in the window, and what it answered by
    the window's end."""
    rows = (
        Referral.objects.filter(referred_on__range=(w.first_day, w.last_day))
        .order_by("referred_on", "id")
        .values(
            "concern__reference",
            "concern__summary",
            "department__name",
            "referred_on",
            "due_on",
            "responded_on",
            "response",
        )
    )
    out = []
    for r in rows:
        answered = r["responded_on"] is not None and r["responded_on"] <= w.last_day
        out.append(
            {
                "reference": r["concern__reference"],
                "summary": r["concern__summary"],
                "department": r["department__name"],
                "referred_on": r["referred_on"].isoformat(),
                "due_on": r["due_on"].isoformat(),
                "responded_on": r["responded_on"].isoformat() if answered else None,
                "response": r["response"] if answered else "",
            }
        )
    return out


def awaiting_referrals(w: Window) -> list[dict]:
    """Referrals made and not answered as of the window's last day. One is overdue when its
    answer was due before that day, so a draft written mid-month calls nothing overdue
    that is not yet due."""
    as_of = w.as_of
    qs = (
        Referral.objects.filter(referred_on__lte=as_of)
        .filter(Q(responded_on__isnull=True) | Q(responded_on__gt=as_of))
        .order_by("due_on", "id")
        .values(
            "concern__reference", "concern__summary", "department__name", "referred_on", "due_on"
        )
    )
    return [
        {
            "reference": r["concern__reference"],
            "summary": r["concern__summary"],
            "department": r["department__name"],
            "referred_on": r["referred_on"].isoformat(),
            "due_on": r["due_on"].isoformat(),
            "overdue": r["due_on"] < as_of,
        }
        for r in qs
    ]


def awaiting_routings(w: Window) -> list[dict]:
    """Routings to a unit not acknowledged by the window's end (000 III.5). One is overdue
    once two working days from its routing have passed by the window's last day."""
    qs = (
        Routing.objects.filter(routed_at__lt=w.end)
        .filter(Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=w.end))
        .order_by("routed_at", "id")
        .values("concern__reference", "concern__summary", "unit__name", "routed_at")
    )
    out = []
    calendar = working_calendar()
    for r in qs:
        routed = timezone.localdate(r["routed_at"])
        due = calendar.add(routed, ACK_WORKING_DAYS)
        out.append(
            {
                "reference": r["concern__reference"],
                "summary": r["concern__summary"],
                "unit": r["unit__name"],
                "routed_on": routed.isoformat(),
                "due_on": due.isoformat(),
                "overdue": due < w.as_of,
            }
        )
    return out


def monthly(start: dt.date, end: dt.date) -> dict:
    """001 IV.B.2.a, 003 1.a.8: what was received, what bears on law enforcement, what is
    recommended, what is awaited from others, and what the unit did."""
    w = window(start, end)
    received = Concern.objects.received_in(w)
    # The default manager counts held activities only: a scheduled event is not counted.
    activities = OutreachActivity.objects.filter(date__range=(start, w.last_day))
    return {
        "as_of": w.as_of.isoformat(),
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "by_source": _breakdown(received, "source_type", C.SourceType.choices),
        "by_nature": _breakdown(received, "nature", C.Nature.choices),
        "by_status": _breakdown(received, "status", C.Status.choices),
        "themes": themes(received),
        "concerns": concern_listing(received),
        "potential_problems": concern_listing(received.filter(nature=C.Nature.POTENTIAL)),
        "recommendations": recommendations_made(w),
        "referrals": referrals_in(w),
        "awaiting_referrals": awaiting_referrals(w),
        "awaiting_routings": awaiting_routings(w),
        "activities": _activity_kinds(activities),
        "activity_total": activities.count(),
        **foot_patrols(activities),
    }
