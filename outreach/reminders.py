"""What the sweep reminds of about outreach: an event within the week with a participant
not ready to take part (registered in OutreachConfig.ready())."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import ngettext

from core.roles import Role
from notifications.notify import holders, notify
from notifications.reminders import day_text
from outreach.models import OutreachActivity

READY_DAYS = 7


def events_not_ready(now: dt.datetime) -> int:
    """An event within the week with a participant lacking a waiver or a cleared check."""
    today = timezone.localdate(now)
    cros = list(holders(Role.CRO))
    sent = 0
    # Events ahead are scheduled ones: the default manager holds only what took place.
    activities = (
        OutreachActivity.with_scheduled.filter(
            date__gte=today, date__lte=today + dt.timedelta(days=READY_DAYS)
        )
        .filter(Q(waivers_required=True) | Q(background_check_required=True))
        .prefetch_related("participants")
    )
    for activity in activities:
        missing = sum(1 for p in activity.participants.all() if p.problems())
        if not missing:
            continue
        sent += len(
            notify(
                "event_not_ready",
                cros,
                title=ngettext(
                    "%(title)s on %(day)s: %(count)d participant is missing a waiver or a "
                    "cleared check",
                    "%(title)s on %(day)s: %(count)d participants are missing a waiver or a "
                    "cleared check",
                    missing,
                )
                % {"title": activity.title, "day": day_text(activity.date), "count": missing},
                url=activity.get_absolute_url(),
                dedupe_key=f"not-ready:{activity.pk}:{activity.date}",
            )
        )
    return sent
