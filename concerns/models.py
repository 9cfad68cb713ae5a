"""Concerns: what citizens tell the department, and what the department did about it.

The intake fields are those of 000 IV.A (1-5) and 001 IV.B; the workflow is 001 IV.B.1-2.
No field anywhere asks about immigration or citizenship status (004 IV).
"""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import import_log_field
from concerns.querysets import ConcernQuerySet


class Department(models.Model):
    """Another city department or outside agency a concern can be referred to (000 VI.9)."""

    name = models.CharField(max_length=120, unique=True)
    contact_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    response_days = models.PositiveSmallIntegerField(
        default=14,
        help_text="Days within which a response is expected before the referral shows as overdue.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A unit of this department (patrol, traffic, investigations) a concern can be routed to."""

    name = models.CharField(max_length=80, unique=True)
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commanded_units",
        help_text="Acknowledges concerns routed to the unit.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Concern(models.Model):
    class SourceType(models.TextChoices):
        CITIZEN = "citizen", "Citizen"
        BUSINESS = "business", "Business"
        WATCH_GROUP = "watch_group", "Neighborhood or business watch"
        CIVIC_FAITH = "civic_faith", "Civic or faith organization"
        SCHOOL = "school", "School"
        OUTSIDE_AGENCY = "outside_agency", "Outside agency"
        ELECTED_OFFICIAL = "elected_official", "Elected official"
        SURVEY = "survey", "Survey"
        SOCIAL_MEDIA = "social_media", "Social media"
        MEDIA = "media", "Media"
        OFFICER_OBSERVATION = "officer_observation", "Officer observation"
        WEB_FORM = "web_form", "Web form"
        OPEN311 = "open311", "City 311"

    class Category(models.TextChoices):
        TRAFFIC = "traffic", "Traffic"
        PARKING = "parking", "Parking"
        STREET_LIGHTING = "street_lighting", "Street lighting"
        NOISE = "noise", "Noise"
        NARCOTICS = "narcotics", "Narcotics"
        PROPERTY_CRIME = "property_crime", "Property crime"
        VIOLENT_CRIME = "violent_crime", "Violent crime"
        YOUTH = "youth", "Youth"
        HOMELESSNESS = "homelessness", "Homelessness"
        QUALITY_OF_LIFE = "quality_of_life", "Quality of life"
        CONDUCT_BIAS = "conduct_bias", "Officer conduct or bias"
        POLICE_SERVICE = "police_service", "Police service"
        OTHER = "other", "Other"

    class Nature(models.TextChoices):
        # 000 VI.8: actual, perceived or potential problems.
        ACTUAL = "actual", "Actual problem"
        PERCEIVED = "perceived", "Perceived problem"
        POTENTIAL = "potential", "Potential problem"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        ESCALATED = "escalated", "Escalated to supervisor"
        FORWARDED = "forwarded", "Forwarded to CRO"
        ACTION_RECOMMENDED = "action_recommended", "Action recommended"
        REFERRED = "referred", "Referred"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"

    OPEN_STATUSES = [
        Status.RECEIVED,
        Status.ESCALATED,
        Status.FORWARDED,
        Status.ACTION_RECOMMENDED,
        Status.REFERRED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    ]

    reference = models.CharField(max_length=20, unique=True, editable=False)
    date_received = models.DateField()
    source_type = models.CharField(max_length=24, choices=SourceType.choices)
    # Confidential: shown only to roles allowed to see sources (Permission.VIEW_CONCERN_SOURCE).
    source_name = models.CharField("source name", max_length=120, blank=True)
    source_contact = models.CharField(
        "source contact", max_length=200, blank=True, help_text="Phone or email, if given."
    )
    contact_email = models.EmailField(blank=True)
    consent_to_contact = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")
    # The community organization that raised it, and the outreach activity it came up at.
    organization = models.ForeignKey(
        "outreach.CommunityOrganization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
    )
    activity = models.ForeignKey(
        "outreach.OutreachActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns_raised",
        help_text="The outreach activity at which it was raised.",
    )
    category = models.CharField(max_length=24, choices=Category.choices)
    nature = models.CharField(max_length=12, choices=Nature.choices, default=Nature.ACTUAL)
    area = models.CharField(
        max_length=160, help_text="Neighborhood, beat or address the concern is about."
    )
    description = models.TextField()
    suggestions = models.TextField(
        "suggestions and alternate courses of action",
        blank=True,
    )
    # 000 IV.A.5: the employee's name and DSN, as they were at intake.
    # Indexed by concern_reporter_idx (reported_by, -date_received), not on its own.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_concerns",
        db_index=False,
    )
    reporter_name = models.CharField(max_length=160, blank=True)
    reporter_dsn = models.CharField("reporter DSN", max_length=20, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    # Indexed by concern_assignee_idx (assignee, status).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_concerns",
        db_index=False,
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # What the department tells the public about it (the city's 311 system shows it with
    # the status). Never names, never the details of people.
    public_note = models.CharField(
        "public note",
        max_length=500,
        blank=True,
        help_text="Shown to the public with the status (city 311). No names or personal details.",
    )
    import_log = import_log_field()
    # One intake form, one concern: a double submit finds the first and creates nothing.
    intake_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Raised by one on every change made through the services. A form carries the number it
    # was shown, and a save from a page someone else has changed since is refused, never
    # applied over their change. The database default covers rows inserted in bulk by SQL.
    revision = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector(
            "reference", "description", "suggestions", "area", config="english"
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-date_received", "-id"]
        indexes = [
            # The included columns let the dashboard's counts by month, category and area
            # read the index alone (PERFORMANCE.md, the Chief's dashboard).
            models.Index(
                fields=["-date_received", "-id"],
                name="concern_recent_idx",
                include=["category", "area", "status"],
            ),
            models.Index(
                fields=["status", "-date_received", "-id"],
                name="concern_status_idx",
                include=["category"],
            ),
            models.Index(fields=["category", "-date_received"], name="concern_category_idx"),
            models.Index(fields=["reported_by", "-date_received"], name="concern_reporter_idx"),
            models.Index(fields=["assignee", "status"], name="concern_assignee_idx"),
            GinIndex(fields=["search_vector"], name="concern_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="concern_resolved_at_with_status",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("concerns:detail", args=[self.reference])

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def is_conduct(self) -> bool:
        return self.category == self.Category.CONDUCT_BIAS


class ConcernUpdate(models.Model):
    """One line of a concern's timeline. Append-only: never edited, never deleted."""

    class Kind(models.TextChoices):
        RECEIVED = "received", "Received"
        NOTE = "note", "Note"
        ESCALATED = "escalated", "Escalated to supervisor"
        FORWARDED = "forwarded", "Forwarded to CRO"
        RECOMMENDATION = "recommendation", "Action recommended"
        ROUTED = "routed", "Routed to unit"
        ACKNOWLEDGED = "acknowledged", "Routing acknowledged"
        REFERRED = "referred", "Referred"
        RESPONSE = "response", "Response recorded"
        PROGRESS = "progress", "Progress"
        ASSIGNED = "assigned", "Assigned"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"
        IMPORTED = "imported", "Imported"
        EDITED = "edited", "Details changed"

    # Indexed by update_timeline_idx (concern, created_at).
    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="updates", db_index=False
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["concern", "created_at"], name="update_timeline_idx")]

    def __str__(self):
        return f"{self.concern_id} {self.kind}"


class Routing(models.Model):
    """A concern relayed to a unit of the department; its commander acknowledges (000 III.5)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="routings")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="routings")
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["routed_at"]
        indexes = [
            models.Index(
                fields=["unit", "routed_at"],
                name="routing_pending_idx",
                condition=Q(acknowledged_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="routing_ack_pair",
            )
        ]

    def __str__(self):
        return f"{self.concern_id} → {self.unit}"


class Referral(models.Model):
    """A concern referred to another city department or agency, and its answer (000 VI.9)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="referrals")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="referrals")
    referred_on = models.DateField()
    due_on = models.DateField()
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    response = models.TextField(blank=True)
    responded_on = models.DateField(null=True, blank=True)
    response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["referred_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="referral_awaiting_idx",
                condition=Q(responded_on__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True, response_recorded_by__isnull=True)
                | Q(responded_on__isnull=False, response_recorded_by__isnull=False),
                name="referral_response_pair",
            )
        ]

    def __str__(self):
        return f"{self.concern_id} → {self.department}"

    @property
    def awaiting(self) -> bool:
        return self.responded_on is None


class ReferenceCounter(models.Model):
    """The last number handed out per year, for CR-<year>-<number> references."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class PublicSubmission(models.Model):
    """When a client last used the public form: for the rate limit. Holds a keyed hash of
    the address, never the address itself."""

    client = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.client[:8]


class Open311Key(models.Model):
    """A key the city's 311 system (or an app) sends with new requests. Issued and revoked
    by the CRO; only a hash is kept, the key itself is shown once."""

    name = models.CharField(max_length=120, help_text='Who uses it, e.g. "City 311 system".')
    prefix = models.CharField(max_length=8, help_text="The first characters, to recognize it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Open311 API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
