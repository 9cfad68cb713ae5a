"""The hourly sweep: what nobody did in time, the daily digests, and mail to retry.

`manage.py send_notifications` runs `sweep()` (cron or a systemd timer in production, a
loop beside the worker under `make run`). Every reminder carries a key, so running the
sweep twice, or every five minutes, tells each person once. One PostgreSQL advisory lock
keeps two sweeps from running at once.

Reminders look back 30 days at most: a database imported with years of old, unanswered
referrals does not flood the CRO on its first night.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Agency
from accounts.sso_refresh import check_accounts
from core import tallies
from core.roles import Role
from notifications.models import Delivery, Notification, OutboundEmail
from notifications.notify import email_line, holders, notify, queue_email, site_url
from notifications.registry import STEPS

LOOK_BACK = dt.timedelta(days=30)
DUE_SOON_DAYS = 5
SWEEP_LOCK = 730_911  # pg_try_advisory_lock key of the sweep


def day_text(day: dt.date) -> str:
    """A date as a notification title writes it (Nov 5, 2026), whatever the language."""
    return f"{day:%b} {day.day}, {day.year}"


def send_digests(now: dt.datetime) -> int:
    """One email per person per day with what they chose to read in a digest."""
    if timezone.localtime(now).hour < settings.CRD_DIGEST_HOUR:
        return 0
    today = timezone.localdate(now)
    pending = defaultdict(list)
    for note in (
        Notification.objects.filter(delivery=Delivery.DIGEST, digested_at__isnull=True)
        .select_related("recipient")
        .order_by("recipient_id", "created_at")[:20_000]
    ):
        pending[note.recipient].append(note)
    agency = Agency.load()
    sent = 0
    for user, notes in pending.items():
        key = f"digest:{user.pk}:{today}"
        with transaction.atomic():
            if user.email and user.is_active:
                if OutboundEmail.objects.filter(dedupe_key=key).exists():
                    continue  # today's digest went out; these wait for tomorrow's
                queue_email(
                    to=user.email,
                    recipient=user,
                    kind="digest",
                    subject=ngettext(
                        "Your daily summary: %(count)d item",
                        "Your daily summary: %(count)d items",
                        len(notes),
                    )
                    % {"count": len(notes)}
                    + f" · {agency.name}",
                    template="notifications/email/digest",
                    context={
                        "agency": agency,
                        "user": user,
                        # Each item as the email of its kind would say it, never its title.
                        "items": [
                            (email_line(n.kind, n.title), n.created_at, site_url(n.url))
                            for n in notes
                        ],
                        "list_link": site_url(reverse("notifications:list")),
                        "settings_link": site_url(reverse("notifications:settings")),
                    },
                    key=key,
                )
                sent += 1
            Notification.objects.filter(pk__in=[n.pk for n in notes]).update(digested_at=now)
    return sent


def retry_due(now: dt.datetime) -> int:
    """Messages whose retry time has come, or whose task was lost (a worker killed)."""
    from notifications.tasks import deliver

    due = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now - dt.timedelta(minutes=1)
    ).values_list("pk", flat=True)[:1000]
    return sum(1 for pk in list(due) if deliver(pk) == OutboundEmail.Status.SENT)


def sweep(now: dt.datetime | None = None) -> dict[str, int] | None:
    """Everything above, once. Returns the counts, or None when another sweep is running."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        if not cursor.fetchone()[0]:
            return None
    try:
        counts = {}
        for name, step in STEPS:
            with transaction.atomic():
                counts[name] = step(now)
        # Outside a transaction: it asks the directory over the network, account by account.
        counts["directory accounts ended"] = check_accounts(now)
        counts["digests"] = send_digests(now)
        counts["emails retried and sent"] = retry_due(now)
        # The tallies' rows appended since the last sweep, folded (core/tallies.py).
        counts["tally rows folded"] = tallies.compact()
        return counts
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])


def notify_due(items, today: dt.date) -> int:
    """Things with a due date, as (due, what, url, key): five days before, to the CRO; once
    overdue, to the CRO and the Chief. Each is told once per due date."""
    cros, chiefs = list(holders(Role.CRO)), list(holders(Role.CHIEF))
    sent = 0
    for due, what, url, key in items:
        if due < today:
            sent += len(
                notify(
                    "overdue",
                    cros + chiefs,
                    title=_("Overdue: %(what)s was due %(day)s")
                    % {"what": what, "day": day_text(due)},
                    url=url,
                    dedupe_key=f"overdue:{key}:{due}",
                )
            )
        elif (due - today).days <= DUE_SOON_DAYS:
            sent += len(
                notify(
                    "due_soon",
                    cros,
                    title=_("Due %(day)s: %(what)s") % {"day": day_text(due), "what": what},
                    url=url,
                    dedupe_key=f"due-soon:{key}:{due}",
                )
            )
    return sent
