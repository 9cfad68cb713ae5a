"""When a unit's acknowledgement of a routing is overdue (000 §III.5: information relayed
to a sub-unit of the department "in an accurate and timely manner").

The one statement of the rule: a routing is acknowledged within two working days of the
day it was routed (working days as accounts/working_days.py counts them: Monday to Friday
but the public holidays of the agency's state and its own closures).
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

from accounts.working_days import WorkingCalendar, working_calendar
from concerns.models import Concern, Routing

ACK_WORKING_DAYS = 2


def due_on(routed: dt.date, calendar: WorkingCalendar | None = None) -> dt.date:
    """The last day the unit has to acknowledge a routing made on `routed`."""
    return (calendar or working_calendar()).add(routed, ACK_WORKING_DAYS)


def _cutoff(today: dt.date) -> dt.datetime:
    """Routings made before this moment are overdue today. `due_on` never goes back as the
    routing day moves on, so the overdue routings are those made up to a day: one
    comparison in SQL, while the working days are counted here."""
    calendar = working_calendar()
    day = today
    while due_on(day, calendar) >= today:
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
    """Working days later than `after`, up to and including `until`."""
    return working_calendar().between(after, until)


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
