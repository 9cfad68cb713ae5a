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

from accounts.models import Agency, Delivery, Notification, OutboundEmail
from accounts.notify import holders, notify, queue_email, site_url
from accounts.roles import Role

LOOK_BACK = dt.timedelta(days=30)
ACK_WORKING_DAYS = 2
DUE_SOON_DAYS = 5
READY_DAYS = 7
SWEEP_LOCK = 730_911  # pg_try_advisory_lock key of the sweep


def add_working_days(day: dt.date, days: int) -> dt.date:
    """Monday to Friday; the department's holidays are not known to the app."""
    while days:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _fmt(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def routings_unacknowledged(today: dt.date) -> int:
    from concerns.models import Routing

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
                    "day": _fmt(routed),
                },
                url=routing.concern.get_absolute_url(),
                dedupe_key=f"routing-unack:{routing.pk}",
            )
        )
    return sent


def referrals_overdue(today: dt.date) -> int:
    from concerns.models import Referral

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
                    "day": _fmt(referral.due_on),
                },
                url=referral.concern.get_absolute_url(),
                dedupe_key=f"referral-overdue:{referral.pk}",
            )
        )
    return sent


def due_dates(today: dt.date) -> int:
    """Reports on the compliance calendar and program evaluations: five days before, to
    the CRO; once overdue, to the CRO and the Chief."""
    from programs.services import evaluation_schedule
    from reports.models import Report
    from reports.periods import calendar_rows

    cros, chiefs = list(holders(Role.CRO)), list(holders(Role.CHIEF))
    items = []
    for row in calendar_rows(today):
        if row["done"]:
            continue
        if row["due"] < today - LOOK_BACK:
            continue
        kind = Report.Kind(row["kind"])
        # "Semi-annual program evaluation report" names itself; the others gain "report".
        label = str(kind.label)
        if not label.lower().endswith("report"):
            label = _("%(kind)s report") % {"kind": label}
        period = _("%(start)s to %(end)s") % {"start": _fmt(row["start"]), "end": _fmt(row["end"])}
        items.append(
            (
                row["due"],
                _("%(report)s for %(period)s") % {"report": label, "period": period},
                reverse("reports:list"),
                f"report:{row['kind']}:{row['start']}",
            )
        )
    # A survey's written summary is due 30 days after it closes (issue: surveys).
    from reports.periods import SURVEY_SUMMARY_DAYS
    from surveys.models import Survey

    summary_days = dt.timedelta(days=SURVEY_SUMMARY_DAYS)
    closed = Survey.objects.filter(
        status__in=[Survey.Status.APPROVED, Survey.Status.CLOSED],
        closes_on__lt=today,
        closes_on__gte=today - LOOK_BACK - summary_days,
    ).exclude(summaries__status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED])
    for survey in closed:
        items.append(
            (
                survey.closes_on + summary_days,
                _("Survey results summary for “%(title)s”") % {"title": survey.title},
                survey.get_absolute_url(),
                f"survey-summary:{survey.pk}",
            )
        )
    for row in evaluation_schedule(today):
        if row["due"] < today - LOOK_BACK:
            continue  # long overdue: on the dashboard, not announced afresh
        program = row["program"]
        items.append(
            (
                row["due"],
                _("Evaluation of %(name)s") % {"name": program.name},
                program.get_absolute_url(),
                f"evaluation:{program.pk}",
            )
        )
    sent = 0
    for due, what, url, key in items:
        if due < today:
            sent += len(
                notify(
                    "overdue",
                    cros + chiefs,
                    title=_("Overdue: %(what)s was due %(day)s") % {"what": what, "day": _fmt(due)},
                    url=url,
                    dedupe_key=f"overdue:{key}:{due}",
                )
            )
        elif (due - today).days <= DUE_SOON_DAYS:
            sent += len(
                notify(
                    "due_soon",
                    cros,
                    title=_("Due %(day)s: %(what)s") % {"day": _fmt(due), "what": what},
                    url=url,
                    dedupe_key=f"due-soon:{key}:{due}",
                )
            )
    return sent


def events_not_ready(today: dt.date) -> int:
    """An event within the week with a participant lacking a waiver or a cleared check."""
    from django.db.models import Q

    from outreach.models import OutreachActivity

    cros = list(holders(Role.CRO))
    sent = 0
    activities = (
        OutreachActivity.objects.filter(
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
                % {"title": activity.title, "day": _fmt(activity.date), "count": missing},
                url=activity.get_absolute_url(),
                dedupe_key=f"not-ready:{activity.pk}:{activity.date}",
            )
        )
    return sent


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
                        "items": [(n, site_url(n.url)) for n in notes],
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
    from accounts.tasks import deliver

    due = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.QUEUED, next_attempt_at__lte=now - dt.timedelta(minutes=1)
    ).values_list("pk", flat=True)[:1000]
    return sum(1 for pk in list(due) if deliver(pk) == OutboundEmail.Status.SENT)


def clean_uploads(now: dt.datetime) -> int:
    """Spreadsheets uploaded for an import that never happened: gone after a day (the link
    to their check page expires then too)."""
    from pathlib import Path

    folder = Path(settings.MEDIA_ROOT) / "imports"
    if not folder.is_dir():
        return 0
    cutoff = now.timestamp() - 24 * 3600
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def sweep(now: dt.datetime | None = None) -> dict[str, int] | None:
    """Everything above, once. Returns the counts, or None when another sweep is running."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [SWEEP_LOCK])
        if not cursor.fetchone()[0]:
            return None
    try:
        counts = {}
        for name, step in (
            ("routings not acknowledged", routings_unacknowledged),
            ("referrals overdue", referrals_overdue),
            ("reports and evaluations due", due_dates),
            ("events not ready", events_not_ready),
        ):
            with transaction.atomic():
                counts[name] = step(today)
        counts["digests"] = send_digests(now)
        counts["emails retried and sent"] = retry_due(now)
        counts["old uploads removed"] = clean_uploads(now)
        return counts
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK])
