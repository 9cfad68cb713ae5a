"""What each person should hear about, and the email that carries it (issue: notifications)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.prepared import Prepared


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("By email at once")
    DIGEST = "digest", _("In a daily email digest")
    APP = "app", _("In the app only")


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing one person should hear about. The title says what happened in a few words
    and never carries a concern's source, its text, or anything confidential: the page it
    links to decides what the reader may see."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        verbose_name=_("recipient"),
    )
    kind = models.CharField(max_length=32, verbose_name=_("kind"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    url = models.CharField(max_length=300, verbose_name=_("url"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    delivery = models.CharField(max_length=12, choices=Delivery.choices, verbose_name=_("delivery"))
    # A digest notification is marked when the digest that carried it is queued.
    digested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("digested at"))
    # Reminders found by the hourly sweep carry a key so that each is sent once.
    dedupe_key = models.CharField(max_length=120, blank=True, verbose_name=_("dedupe key"))

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
            models.Index(
                fields=["recipient"],
                name="notification_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(
                fields=["recipient", "created_at"],
                name="notification_digest_idx",
                condition=Q(delivery="digest", digested_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self):
        return f"{self.recipient_id}: {self.title}"


class NotificationPreference(models.Model):
    """How one person wants to hear of one kind of event. No row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_choices",
        verbose_name=_("user"),
    )
    kind = models.CharField(max_length=32, verbose_name=_("kind"))
    delivery = models.CharField(max_length=12, choices=Delivery.choices, verbose_name=_("delivery"))

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_choice_per_kind"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


class OutboundEmail(models.Model):
    """A message waiting for, or past, the mail server. Written in the same transaction as
    the action it reports, sent afterwards by a background task, retried on failure."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(verbose_name=_("to"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(max_length=32, verbose_name=_("kind"))
    subject = models.CharField(max_length=250, verbose_name=_("subject"))
    body_text = models.TextField(verbose_name=_("body text"))
    body_html = models.TextField(verbose_name=_("body html"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    next_attempt_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next attempt at"))
    last_error = models.TextField(blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent at"))
    # A digest is one message per person per day, whatever runs the sweep.
    dedupe_key = models.CharField(max_length=120, blank=True, verbose_name=_("dedupe key"))
    # A resident's stop link, sent as List-Unsubscribe with one-click (RFC 8058).
    unsubscribe_url = models.URLField(max_length=500, blank=True, verbose_name=_("stop link"))

    class Meta:
        verbose_name_plural = _("outgoing emails")
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing email")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_due_idx",
                condition=Q(status="queued"),
            ),
            models.Index(fields=["status", "-created_at"], name="outbound_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="outbound_once_per_key"
            )
        ]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class ResidentOptOut(models.Model):
    """A resident asked for no more messages. Holds a keyed hash of the address only."""

    address_hash = models.CharField(max_length=64, unique=True, verbose_name=_("address hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name_plural = _("resident opt-outs")
        verbose_name = _("resident opt-out")

    def __str__(self):
        return self.address_hash[:8]


# The menu's badge counts up to this, then says "99+".
UNREAD_CAP = 99

# Asked on every signed-in page: compiled once (core/prepared.py), counted over the unread
# notifications' partial index up to the cap.
UNREAD = Prepared(
    lambda pk: (
        Notification.objects.filter(recipient_id=pk, read_at__isnull=True)
        .order_by()
        .values("id")[: UNREAD_CAP + 1]
    ),
    int,
    count=True,
)


def unread_count(user) -> int:
    """How many notifications the person has not read, up to UNREAD_CAP + 1."""
    return UNREAD.value(user.pk)
