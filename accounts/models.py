from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now

from accounts.roles import Role
from accounts.uploads import agency_logo_path

DSN_REQUIRED_FOR_STAFF = "Every department member needs a DSN (departmental serial number)."


class User(AbstractUser):
    """A department member. The DSN is recorded on everything they log (000 IV.A.5)."""

    dsn = models.CharField(  # noqa: DJ001 - NULL lets superusers without a DSN stay unique
        "DSN",
        max_length=20,
        blank=True,
        null=True,
        unique=True,
        help_text="Departmental serial number. Required for every department member.",
    )
    rank = models.CharField("rank or title", max_length=60, blank=True)
    unit = models.CharField(max_length=80, blank=True, help_text="Division, section or unit.")
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text="Created by seed_demo. Demo accounts can sign in only while DEBUG is on.",
    )

    objects = UserManager()

    class Meta:
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

    name = models.CharField(max_length=120, default="Police Department")
    address = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    chief_name = models.CharField("Chief's name", max_length=120, blank=True)
    logo = models.ImageField(
        upload_to=agency_logo_path,
        blank=True,
        help_text="PNG or JPEG, shown on letterheads. A square image about 300 px wide works best.",
    )
    # The compliance calendar: when each report is due (001 IV.A, 003 1.a.8).
    monthly_due_day = models.PositiveSmallIntegerField(
        "monthly report due on day", default=10, help_text="Day of the following month (1-28)."
    )
    quarterly_due_days = models.PositiveSmallIntegerField(
        "quarterly report due after (days)", default=15
    )
    semi_annual_due_days = models.PositiveSmallIntegerField(
        "semi-annual report due after (days)", default=30
    )
    annual_due_days = models.PositiveSmallIntegerField(
        "annual report due after (days)", default=31, help_text="31 means by January 31."
    )
    mfa_for_everyone = models.BooleanField(
        "two-factor sign-in for everyone",
        default=False,
        help_text="The Chief, the CRO, supervisors and administrators always use it; tick this "
        "to require it of every member.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "agency profile"
        verbose_name_plural = "agency profile"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="agency_single_row")]

    def __str__(self):
        return self.name

    @classmethod
    def load(cls) -> "Agency":
        agency, _ = cls.objects.get_or_create(pk=1)
        return agency


# --- Notifications (issue: notifications) ---------------------------------------------


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "By email at once"
    DIGEST = "digest", "In a daily email digest"
    APP = "app", "In the app only"


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
        User, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)
    # A digest notification is marked when the digest that carried it is queued.
    digested_at = models.DateTimeField(null=True, blank=True)
    # Reminders found by the hourly sweep carry a key so that each is sent once.
    dedupe_key = models.CharField(max_length=120, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
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

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_choices")
    kind = models.CharField(max_length=32)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_choice_per_kind"),
        ]

    def __str__(self):
        return f"{self.user_id} {self.kind}: {self.delivery}"


class OutboundEmail(models.Model):
    """A message waiting for, or past, the mail server. Written in the same transaction as
    the action it reports, sent afterwards by a background task, retried on failure."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    to = models.EmailField()
    recipient = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A digest is one message per person per day, whatever runs the sweep.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
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

    address_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "resident opt-out"

    def __str__(self):
        return self.address_hash[:8]


# --- Integration: imports and calendar feeds (issue: integration) -----------------------


class ImportLog(models.Model):
    """One import of a spreadsheet: who, when, which file, and what came of it. Records it
    created point back here, so each shows it was imported and from where."""

    class Kind(models.TextChoices):
        CONCERNS = "concerns", "Concerns"
        ORGANIZATIONS = "organizations", "Community organizations"
        ACTIVITIES = "activities", "Outreach activities"
        PROGRAMS = "programs", "Programs"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        IMPORTED = "imported", "Imported"
        REFUSED = "refused", "Refused"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    file_name = models.CharField(max_length=200)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)
    # While it runs: the uploaded file (a generated name) and the column mapping chosen.
    stored_file = models.CharField(max_length=64, blank=True, editable=False)
    mapping = models.JSONField(default=dict, blank=True, editable=False)
    # The first problems found, to show on the import's page: [[row, column, message]].
    problem_list = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.file_name} ({self.created_at:%Y-%m-%d})"

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
        help_text="The import that created this record, if it came from a spreadsheet.",
    )


class CalendarFeed(models.Model):
    """A secret, revocable iCalendar link for one person. Only a hash of the secret is
    kept; the link is shown once, when it is made."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id}: {self.token_hash[:8]}"


class AuditEvent(models.Model):
    """One line of the audit trail (CJIS 5.4, ASVS V7). Row changes are written by a
    database trigger on every table (accounts.audit), the rest by the application. The
    database refuses UPDATE and DELETE on this table: it only grows."""

    class Action(models.TextChoices):
        INSERT = "insert", "Created"
        UPDATE = "update", "Changed"
        DELETE = "delete", "Deleted"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Sign-in failed"
        LOCKOUT = "lockout", "Account locked"
        UNLOCK = "unlock", "Account unlocked"
        LOGOUT = "logout", "Signed out"
        PASSWORD = "password", "Password changed"
        MFA = "mfa", "Second factor changed"
        EXPORT = "export", "Exported"
        SOURCE_VIEWED = "source_viewed", "Viewed source details"
        ARCHIVED = "archived", "Older entries archived"

    at = models.DateTimeField(db_default=Now(), db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    # No foreign key constraint: a member's account may go, their trail may not.
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    record_type = models.CharField(max_length=100, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["actor_name", "-id"], name="audit_actor_idx"),
            models.Index(fields=["record_type", "record_id", "-id"], name="audit_record_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.record_type} {self.record_id}"
