"""The audit trail (audit/trail.py writes it), the seals that chain its rows (audit/chain.py)
and the record of each check of that chain."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One line of the audit trail (CJIS 5.4, ASVS V7). Row changes are written by a
    database trigger on every table (audit.trail), the rest by the application. The
    database refuses UPDATE and DELETE on this table: it only grows."""

    class Action(models.TextChoices):
        INSERT = "insert", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Signed in")
        LOGIN_PENDING = "login_pending", _("Password accepted, second factor due")
        MFA_FAILED = "mfa_failed", _("Second-factor code refused")
        LOCK_RESET = "lock_reset", _("Failed sign-ins reset")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKOUT = "lockout", _("Account locked")
        UNLOCK = "unlock", _("Account unlocked")
        LOGOUT = "logout", _("Signed out")
        PASSWORD = "password", _("Password changed")
        MFA = "mfa", _("Second factor changed")
        EXPORT = "export", _("Exported")
        SOURCE_VIEWED = "source_viewed", _("Viewed source details")
        ARCHIVED = "archived", _("Older entries archived")
        DIRECTORY_ENDED = "directory_ended", _("Account ended by the directory")

    at = models.DateTimeField(db_default=Now(), db_index=True, verbose_name=_("at"))
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("action"))
    # No foreign key constraint: a member's account may go, their trail may not.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(max_length=150, blank=True, verbose_name=_("actor name"))
    client_address = models.GenericIPAddressField(
        null=True, blank=True, verbose_name=_("client address")
    )
    path = models.CharField(max_length=500, blank=True, verbose_name=_("path"))
    record_type = models.CharField(max_length=100, blank=True, verbose_name=_("record type"))
    record_id = models.CharField(max_length=64, blank=True, verbose_name=_("record id"))
    changes = models.JSONField(null=True, blank=True, verbose_name=_("changes"))
    detail = models.CharField(max_length=500, blank=True, verbose_name=_("detail"))

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor_name", "-id"], name="audit_actor_idx"),
            models.Index(fields=["record_type", "record_id", "-id"], name="audit_record_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.record_type} {self.record_id}"


class AuditSeal(models.Model):
    """One sealed line of the trail, in the order it was sealed: a keyed hash of the event
    chained to the seal before it (audit/chain.py). The key lives outside the database, so
    whoever can write to the tables can neither alter a sealed event nor forge a seal
    without `manage.py verify_audit` saying where. Append-only, like the trail."""

    event_id = models.BigIntegerField(unique=True, verbose_name=_("event"))
    digest = models.CharField(max_length=64, verbose_name=_("digest"))
    key_id = models.CharField(max_length=8, verbose_name=_("key"))
    sealed_at = models.DateTimeField(db_default=Now(), verbose_name=_("sealed at"))

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        ordering = ["id"]

    def __str__(self):
        return f"seal {self.pk} of event {self.event_id}"


class AuditCheck(models.Model):
    """One run of `verify_audit`: what it found, for administrators (/audit/integrity/)."""

    at = models.DateTimeField(db_default=Now(), db_index=True, verbose_name=_("at"))
    intact = models.BooleanField(verbose_name=_("intact"))
    events = models.BigIntegerField(verbose_name=_("events checked"))
    sealed = models.BigIntegerField(verbose_name=_("newly sealed"))
    head = models.CharField(max_length=80, blank=True, verbose_name=_("last seal"))
    problems = models.JSONField(default=list, blank=True, verbose_name=_("problems"))
    seconds = models.FloatField(default=0, verbose_name=_("seconds"))

    class Meta:
        verbose_name = _("audit check")
        verbose_name_plural = _("audit checks")
        ordering = ["-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {'intact' if self.intact else 'PROBLEMS'}"
