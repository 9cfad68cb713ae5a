"""What the sweep reminds of about concerns: routings a unit has not acknowledged, and
referrals whose answer is overdue (registered in ConcernsConfig.ready())."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from concerns.acknowledgement import (
    ACK_WORKING_DAYS,  # noqa: F401 - read here by reports
    overdue_routings,
)
from concerns.models import Referral
from core.roles import Role
from notifications.notify import holders, notify
from notifications.reminders import LOOK_BACK, day_text

# 000 §III.5: a routing is chased until its unit acknowledges it, however old. The first
# reminder goes out the day it turns overdue (two working days, concerns/acknowledgement.py);
# from the 30th day after the routing on, one every seven days (a key per week), so
# a forgotten routing is never dropped and never floods: at most one reminder per routing
# per week, even for a database imported with years of unacknowledged routings.
WEEKLY_AFTER = LOOK_BACK


def _routing_key(routing, today: dt.date) -> str:
    age = (today - timezone.localdate(routing.routed_at)).days
    if age < WEEKLY_AFTER.days:
        return f"routing-unack:{routing.pk}"
    return f"routing-unack:{routing.pk}:week:{(age - WEEKLY_AFTER.days) // 7}"


def routings_unacknowledged(now: dt.datetime) -> int:
    # Counted from the sweep's own day, not the machine's clock, so a sweep run for a
    # given day answers the same whenever it runs.
    today = timezone.localdate(now)
    cros = list(holders(Role.CRO))
    sent = 0
    for routing in overdue_routings(today).select_related("concern", "unit"):
        routed = timezone.localdate(routing.routed_at)
        sent += len(
            notify(
                "routing_unacknowledged",
                cros,
                title=_("%(reference)s: %(unit)s has not acknowledged the routing of %(day)s")
                % {
                    "reference": routing.concern.reference,
                    "unit": routing.unit.name,
                    "day": day_text(routed),
                },
                url=routing.concern.get_absolute_url(),
                dedupe_key=_routing_key(routing, today),
            )
        )
    return sent


def referrals_overdue(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    cros = list(holders(Role.CRO))
    sent = 0
    for referral in Referral.objects.filter(
        responded_on__isnull=True, due_on__lt=today, due_on__gte=today - LOOK_BACK
    ).select_related("concern", "department"):
        sent += len(
            notify(
                "referral_overdue",
                cros,
                title=_("%(reference)s: %(department)s's answer was due %(day)s")
                % {
                    "reference": referral.concern.reference,
                    "department": referral.department.name,
                    "day": day_text(referral.due_on),
                },
                url=referral.concern.get_absolute_url(),
                dedupe_key=f"referral-overdue:{referral.pk}",
            )
        )
    return sent
