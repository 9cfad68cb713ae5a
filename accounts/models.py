from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from accounts.uploads import agency_logo_path

DSN_REQUIRED_FOR_STAFF = _("Every department member needs a DSN (departmental serial number).")


class User(AbstractUser):
    """A department member. The DSN is recorded on everything they log (000 IV.A.5)."""

    dsn = models.CharField(  # noqa: DJ001 - NULL lets superusers without a DSN stay unique
        _("DSN"),
        max_length=20,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Departmental serial number. Required for every department member."),
    )
    rank = models.CharField(_("rank or title"), max_length=60, blank=True)
    unit = models.CharField(
        max_length=80, blank=True, help_text=_("Division, section or unit."), verbose_name=_("unit")
    )
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Created by seed_demo. Demo accounts can sign in only while DEBUG is on."),
        verbose_name=_("is demo"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # A department member (anyone who is not a bare superuser) carries a DSN.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | (Q(dsn__isnull=False) & ~Q(dsn="")),
                name="user_dsn_required_unless_superuser",
                violation_error_message=DSN_REQUIRED_FOR_STAFF,
            ),
        ]

    def __str__(self):
        name = self.get_full_name() or self.username
        return f"{name} ({self.dsn})" if self.dsn else name

    def clean(self):
        super().clean()
        # Blank DSNs are stored as NULL so that several superusers without one stay unique.
        if self.dsn == "":
            self.dsn = None

    @property
    def display_name(self) -> str:
        parts = [self.rank, self.get_full_name() or self.username]
        return " ".join(p for p in parts if p)

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The role groups this user holds, read once per request."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role) -> bool:
        return any(role.value in self.role_names for role in roles)


class Agency(models.Model):
    """The department's profile. One row; it letterheads every PDF."""

    name = models.CharField(max_length=120, default="Police Department", verbose_name=_("name"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    chief_name = models.CharField(_("Chief's name"), max_length=120, blank=True)
    logo = models.ImageField(
        upload_to=agency_logo_path,
        blank=True,
        help_text=_(
            "PNG or JPEG, shown on letterheads. A square image about 300 px wide works best."
        ),
        verbose_name=_("logo"),
    )
    # The compliance calendar: when each report is due (001 IV.A, 003 1.a.8).
    monthly_due_day = models.PositiveSmallIntegerField(
        _("monthly report due on day"),
        default=10,
        help_text=_("Day of the following month (1-28)."),
    )
    quarterly_due_days = models.PositiveSmallIntegerField(
        _("quarterly report due after (days)"), default=15
    )
    semi_annual_due_days = models.PositiveSmallIntegerField(
        _("semi-annual report due after (days)"), default=30
    )
    annual_due_days = models.PositiveSmallIntegerField(
        _("annual report due after (days)"), default=31, help_text=_("31 means by January 31.")
    )
    mfa_for_everyone = models.BooleanField(
        _("two-factor sign-in for everyone"),
        default=False,
        help_text=_(
            "The Chief, the CRO, supervisors and administrators always use it; tick this "
            "to require it of every member."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("agency profile")
        verbose_name_plural = _("agency profile")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="agency_single_row")]

    def __str__(self):
        return self.name

    @classmethod
    def load(cls) -> "Agency":
        agency, _ = cls.objects.get_or_create(pk=1)
        return agency


# --- Notifications (issue: notifications) ---------------------------------------------


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
        User,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
        verbose_name=_("recipient"),
    )
    kind = models.CharField(max_length=32, verbose_name=_("kind"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    url = models.CharField(max_length=300, verbose_name=_("url"))
    actor = models.ForeignKey(
        User,
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
        User, on_delete=models.CASCADE, related_name="notification_choices", verbose_name=_("user")
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
        User,
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


# --- Integration: imports and calendar feeds (issue: integration) -----------------------


class ImportLog(models.Model):
    """One import of a spreadsheet: who, when, which file, and what came of it. Records it
    created point back here, so each shows it was imported and from where."""

    class Kind(models.TextChoices):
        CONCERNS = "concerns", _("Concerns")
        ORGANIZATIONS = "organizations", _("Community organizations")
        ACTIVITIES = "activities", _("Outreach activities")
        PROGRAMS = "programs", _("Programs")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused")

    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    file_name = models.CharField(max_length=200, verbose_name=_("file name"))
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    progress = models.PositiveSmallIntegerField(default=0, verbose_name=_("progress"))
    rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    created = models.PositiveIntegerField(default=0, verbose_name=_("created"))
    problems = models.PositiveIntegerField(default=0, verbose_name=_("problems"))
    # While it runs: the uploaded file (a generated name) and the column mapping chosen.
    stored_file = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("stored file")
    )
    mapping = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("mapping"))
    # The first problems found, to show on the import's page: [[row, column, message]].
    problem_list = models.JSONField(
        default=list, blank=True, editable=False, verbose_name=_("problem list")
    )

    class Meta:
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return gettext("%(kind)s from %(file)s (%(day)s)") % {
            "kind": self.get_kind_display(),
            "file": self.file_name,
            "day": f"{self.created_at:%Y-%m-%d}",
        }

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("imports:log", args=[self.pk])

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


def import_log_field():
    """The link from an imported record to the import that created it (one definition for
    the concerns, organizations, activities and programs that carry it)."""
    return models.ForeignKey(
        "accounts.ImportLog",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("import log"),
        help_text=_("The import that created this record, if it came from a spreadsheet."),
    )


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar link for one person. Only a hash of the secret is
    kept; the link is shown once, when it is made."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="calendar_feeds", verbose_name=_("user")
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


class AuditEvent(models.Model):
    """One line of the audit trail (CJIS 5.4, ASVS V7). Row changes are written by a
    database trigger on every table (accounts.audit), the rest by the application. The
    database refuses UPDATE and DELETE on this table: it only grows."""

    class Action(models.TextChoices):
        INSERT = "insert", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKOUT = "lockout", _("Account locked")
        UNLOCK = "unlock", _("Account unlocked")
        LOGOUT = "logout", _("Signed out")
        PASSWORD = "password", _("Password changed")
        MFA = "mfa", _("Second factor changed")
        EXPORT = "export", _("Exported")
        SOURCE_VIEWED = "source_viewed", _("Viewed source details")
        ARCHIVED = "archived", _("Older entries archived")

    at = models.DateTimeField(db_default=Now(), db_index=True, verbose_name=_("at"))
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("action"))
    # No foreign key constraint: a member's account may go, their trail may not.
    actor = models.ForeignKey(
        User,
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
