"""What the sweep reminds of about concerns: routings a unit has not acknowledged, and
referrals whose answer is overdue (registered in ConcernsConfig.ready())."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from concerns.models import Referral, Routing
from core.roles import Role
from notifications.notify import holders, notify
from notifications.reminders import LOOK_BACK, add_working_days, day_text

ACK_WORKING_DAYS = 2


def routings_unacknowledged(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    cros = list(holders(Role.CRO))
    sent = 0
    # The look-back counts from the sweep's own day, not the machine's clock, so a sweep
    # run for a given day answers the same whenever it runs.
    since = timezone.make_aware(dt.datetime.combine(today - LOOK_BACK, dt.time()))
    routings = Routing.objects.filter(
        acknowledged_at__isnull=True, routed_at__gte=since
    ).select_related("concern", "unit")
    for routing in routings:
        routed = timezone.localdate(routing.routed_at)
        if today <= add_working_days(routed, ACK_WORKING_DAYS):
            continue
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
                dedupe_key=f"routing-unack:{routing.pk}",
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
