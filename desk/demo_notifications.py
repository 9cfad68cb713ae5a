"""A few recent notifications for each demo user, made from the demo's own records, so the
bell has something to show. Idempotent: each carries a demo key."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from concerns.models import Concern
from core.roles import Role
from desk.inbox import waiting_items
from notifications.models import Notification
from notifications.notify import notify
from outreach.models import TrainingNeed


def seed(stdout=None) -> dict:

    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    made = 0

    def tell(kind, who, title, url, key, *, by=None, read=False):
        nonlocal made
        rows = notify(kind, who, title=title, url=url, by=by, dedupe_key=f"demo:{key}", email=False)
        if read and rows:
            Notification.objects.filter(pk__in=[r.pk for r in rows]).update(read_at=timezone.now())
        made += len(rows)

    supervisors = [u for u in users.values() if u.has_role(Role.SUPERVISOR)]
    cros = [u for u in users.values() if u.has_role(Role.CRO)]
    chiefs = [u for u in users.values() if u.has_role(Role.CHIEF)]
    officer = users.get("officer")

    for i, concern in enumerate(
        Concern.objects.filter(status=Concern.Status.ESCALATED).exclude(category="conduct_bias")[:3]
    ):
        tell(
            "concern_escalated",
            supervisors,
            f"{concern.reference} escalated by {concern.reporter_name} for a supervisor's review",
            concern.get_absolute_url(),
            f"esc:{concern.pk}",
            by=officer,
            read=i == 2,
        )
    for concern in Concern.objects.filter(category="conduct_bias").order_by("-date_received")[:2]:
        tell(
            "conduct_concern",
            supervisors + chiefs,
            f"Officer conduct or bias concern {concern.reference} received: it waits for a "
            "supervisor's review",
            concern.get_absolute_url(),
            f"conduct:{concern.pk}",
        )
    for i, concern in enumerate(Concern.objects.filter(status=Concern.Status.FORWARDED)[:4]):
        tell(
            "concern_forwarded",
            cros,
            f"{concern.reference} forwarded to the Community Relations Officer",
            concern.get_absolute_url(),
            f"fwd:{concern.pk}",
            read=i >= 2,
        )
    for item in waiting_items()[:5]:
        tell(
            "approval_waiting",
            chiefs,
            f"Waiting for your decision: {item.kind_label.lower()} “{item.title}”, from {item.by}",
            item.url,
            f"wait:{item.key}",
        )
    for need in TrainingNeed.objects.filter(status=TrainingNeed.Status.FORWARDED)[:2]:
        tell(
            "training_forwarded",
            [u for u in users.values() if u.has_role(Role.TRAINING_OFFICER)],
            f"Training need forwarded by the Community Relations Officer: {need}",
            "/outreach/training/",
            f"training:{need.pk}",
        )
    # Spread them over the last day, newest first as they were made.
    now = timezone.now()
    for n, pk in enumerate(
        Notification.objects.filter(dedupe_key__startswith="demo:")
        .order_by("-id")
        .values_list("pk", flat=True)
    ):
        Notification.objects.filter(pk=pk).update(created_at=now - dt.timedelta(minutes=37 * n))
    return {"notifications": made}
