"""When a unit's acknowledgement of a routing is overdue (000 §III.5: information relayed
to a sub-unit of the department "in an accurate and timely manner").

The one statement of the rule: a routing is acknowledged within two working days of the
day it was routed (Monday to Friday; the department's holidays are not known to the app).
From the day after, until the unit's commander acknowledges it, however old, it is
overdue: the concern's page says so, the concern list filters by it, the dashboard counts
it and the hourly sweep reminds the CRO (concerns/reminders.py). A routing of a resolved
concern is no longer chased: the concern is closed, and the page still shows the routing as
not acknowledged.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Window
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern, Routing
from notifications.reminders import add_working_days

ACK_WORKING_DAYS = 2


def due_on(routed: dt.date) -> dt.date:
    """The last day the unit has to acknowledge a routing made on `routed`."""
    return add_working_days(routed, ACK_WORKING_DAYS)


def _cutoff(today: dt.date) -> dt.datetime:
    """Routings made before this moment are overdue today. `due_on` never goes back as the
    routing day moves on, so the overdue routings are those made up to a day: one
    comparison in SQL, while the working days are counted here."""
    day = today
    while due_on(day) >= today:
        day -= dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def overdue_routings(today: dt.date):
    """Routings not acknowledged past their two working days, of concerns still open."""
    return Routing.objects.filter(
        acknowledged_at__isnull=True, routed_at__lt=_cutoff(today)
    ).exclude(concern__status=Concern.Status.RESOLVED)


def has_overdue_routing(today: dt.date) -> Exists:
    """For a queryset of concerns: one of its routings is overdue (ConcernQuerySet)."""
    return Exists(overdue_routings(today).filter(concern=OuterRef("pk")))


def working_days_between(after: dt.date, until: dt.date) -> int:
    """Monday-to-Friday days later than `after`, up to and including `until`."""
    if until <= after:
        return 0
    days = (until - after).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = after.weekday()
    for step in range(1, rest + 1):
        if (weekday + step) % 7 < 5:
            count += 1
    return count


@dataclass(frozen=True)
class Lateness:
    since: dt.date  # the last day it was due (as referrals say "overdue since <due date>")
    working_days: int  # working days late, today included


def lateness(routing: Routing, today: dt.date, *, resolved: bool = False) -> Lateness | None:
    """How late a routing's acknowledgement is on `today`, or None when it is not overdue
    (acknowledged, not yet due, or its concern is resolved)."""
    if routing.acknowledged_at is not None or resolved:
        return None
    due = due_on(timezone.localdate(routing.routed_at))
    if today <= due:
        return None
    return Lateness(since=due, working_days=working_days_between(due, today))


def overdue_summary(today: dt.date) -> dict:
    """The dashboard's figure: how many routings wait overdue, and the oldest of them. One
    query whatever the number of routings: the count is a window over the whole set, read
    on its oldest row."""
    oldest = (
        overdue_routings(today)
        .annotate(n=Window(Count("id")))
        .order_by("routed_at", "id")
        .values("n", "routed_at", "unit__name", "concern__reference")
        .first()
    )
    if oldest is None:
        return {"n": 0, "oldest": None}
    routed = timezone.localdate(oldest["routed_at"])
    due = due_on(routed)
    return {
        "n": oldest["n"],
        "oldest": {
            "reference": oldest["concern__reference"],
            "url": reverse("concerns:detail", args=[oldest["concern__reference"]]),
            "unit": oldest["unit__name"],
            "routed_on": routed,
            "since": due,
            "working_days": working_days_between(due, today),
        },
    }
