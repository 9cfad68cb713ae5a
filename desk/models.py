"""Calendar feeds: a person's activities and due dates as an iCalendar link."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar link for one person. Only a hash of the secret is
    kept; the link is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("user"),
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id}: {self.token_hash[:8]}"


class WorkerBeat(models.Model):
    """A queue's task worker's heartbeat (desk/health.py). /healthz sends the queue a
    heartbeat task when the last answer is a minute old; `waiting_since` is when the
    oldest heartbeat still unanswered was sent, cleared by the answer. Unanswered for two
    minutes, the worker is reported stopped."""

    queue = models.CharField(max_length=40, unique=True, verbose_name=_("queue"))
    asked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last sent at"))
    waiting_since = models.DateTimeField(null=True, blank=True, verbose_name=_("waiting since"))
    beat_at = models.DateTimeField(null=True, blank=True, verbose_name=_("answered at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self):
        return self.queue
