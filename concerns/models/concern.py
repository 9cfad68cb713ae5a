"""A concern and its timeline."""

from django.conf import settings
from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Located, point_constraints
from concerns.querysets import ConcernQuerySet
from concerns.summaries import SUMMARY_MAX
from core.loading import quick_from_db
from imports.models import import_log_field


class Concern(Located):
    from_db = quick_from_db  # read without __init__ (core/loading.py)

    class SourceType(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        BUSINESS = "business", _("Business")
        WATCH_GROUP = "watch_group", _("Neighborhood or business watch")
        CIVIC_FAITH = "civic_faith", _("Civic or faith organization")
        SCHOOL = "school", _("School")
        OUTSIDE_AGENCY = "outside_agency", _("Outside agency")
        ELECTED_OFFICIAL = "elected_official", _("Elected official")
        SURVEY = "survey", _("Survey")
        SOCIAL_MEDIA = "social_media", _("Social media")
        MEDIA = "media", _("Media")
        OFFICER_OBSERVATION = "officer_observation", _("Officer observation")
        WEB_FORM = "web_form", _("Web form")
        OPEN311 = "open311", _("City 311")

    class Category(models.TextChoices):
        TRAFFIC = "traffic", _("Traffic")
        PARKING = "parking", _("Parking")
        STREET_LIGHTING = "street_lighting", _("Street lighting")
        NOISE = "noise", _("Noise")
        NARCOTICS = "narcotics", _("Narcotics")
        PROPERTY_CRIME = "property_crime", _("Property crime")
        VIOLENT_CRIME = "violent_crime", _("Violent crime")
        YOUTH = "youth", _("Youth")
        HOMELESSNESS = "homelessness", _("Homelessness")
        QUALITY_OF_LIFE = "quality_of_life", _("Quality of life")
        CONDUCT_BIAS = "conduct_bias", _("Officer conduct or bias")
        POLICE_SERVICE = "police_service", _("Police service")
        OTHER = "other", _("Other")

    class Nature(models.TextChoices):
        # 000 VI.8: actual, perceived or potential problems.
        ACTUAL = "actual", _("Actual problem")
        PERCEIVED = "perceived", _("Perceived problem")
        POTENTIAL = "potential", _("Potential problem")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ESCALATED = "escalated", _("Escalated to supervisor")
        FORWARDED = "forwarded", _("Forwarded to CRO")
        ACTION_RECOMMENDED = "action_recommended", _("Action recommended")
        REFERRED = "referred", _("Referred")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")

    OPEN_STATUSES = [
        Status.RECEIVED,
        Status.ESCALATED,
        Status.FORWARDED,
        Status.ACTION_RECOMMENDED,
        Status.REFERRED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    ]

    reference = models.CharField(
        max_length=20, unique=True, editable=False, verbose_name=_("reference")
    )
    date_received = models.DateField(verbose_name=_("date received"))
    source_type = models.CharField(
        max_length=24, choices=SourceType.choices, verbose_name=_("source type")
    )
    # Confidential: shown only to roles allowed to see sources (Permission.VIEW_CONCERN_SOURCE).
    source_name = models.CharField(_("source name"), max_length=120, blank=True)
    source_contact = models.CharField(
        _("source contact"), max_length=200, blank=True, help_text=_("Phone or email, if given.")
    )
    contact_email = models.EmailField(blank=True, verbose_name=_("contact email"))
    consent_to_contact = models.BooleanField(default=False, verbose_name=_("consent to contact"))
    language = models.CharField(max_length=8, default="en", verbose_name=_("language"))
    # The community organization that raised it, and the outreach activity it came up at.
    organization = models.ForeignKey(
        "outreach.CommunityOrganization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("organization"),
    )
    activity = models.ForeignKey(
        "outreach.OutreachActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns_raised",
        help_text=_("The outreach activity at which it was raised."),
        verbose_name=_("activity"),
    )
    category = models.CharField(max_length=24, choices=Category.choices, verbose_name=_("category"))
    nature = models.CharField(
        max_length=12, choices=Nature.choices, default=Nature.ACTUAL, verbose_name=_("nature")
    )
    # The place as it was given (an address, a block, a landmark); the column keeps its name
    # so that search, imports and the public 311 feed (open311/locations.py) read it as before.
    area = models.CharField(
        max_length=160,
        help_text=_("The address, block or place the concern is about, as given."),
        verbose_name=_("location"),
    )
    # Which of the agency's areas it is in (accounts.Area): counts, spikes and filters use it.
    # PROTECT: an area with records is deactivated, never deleted, so old counts stay.
    defined_area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("area"),
    )
    # Merged into another concern that leads (concerns/duplicates.py): reports count the lead
    # once with the number of reports it gathered; PROTECT, a lead is never deleted under them.
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
        # Indexed by concern_duplicates_idx, on the few rows that have one.
        db_index=False,
    )
    merged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("merged at"))
    # The likely lead a door with no one to ask (the public form, 311) found at intake: the
    # CRO decides (concerns/duplicates.py). Cleared once merged or judged not the same.
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="possible_duplicates",
        verbose_name=_("possible duplicate of"),
        # Indexed by concern_possible_dup_idx, on the few rows that have one.
        db_index=False,
    )
    # What it is about, in one line (concerns/summaries.py): every list and report shows it.
    summary = models.CharField(
        _("summary"),
        max_length=SUMMARY_MAX,
        help_text=_("What it is about, in one line. Shown in lists and reports."),
    )
    description = models.TextField(verbose_name=_("description"))
    suggestions = models.TextField(
        _("suggestions and alternate courses of action"),
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
        verbose_name=_("reported by"),
    )
    reporter_name = models.CharField(max_length=160, blank=True, verbose_name=_("reporter name"))
    reporter_dsn = models.CharField(_("reporter DSN"), max_length=20, blank=True)
    priority = models.CharField(
        max_length=8, choices=Priority.choices, default=Priority.NORMAL, verbose_name=_("priority")
    )
    # Indexed by concern_assignee_idx (assignee, status).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_concerns",
        db_index=False,
        verbose_name=_("assignee"),
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED, verbose_name=_("status")
    )
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("resolved at"))
    # What the department tells the public about it (the city's 311 system shows it with
    # the status). Never names, never the details of people.
    public_note = models.CharField(
        _("public note"),
        max_length=500,
        blank=True,
        help_text=_(
            "Shown to the public with the status (city 311). No names or personal details."
        ),
    )
    import_log = import_log_field()
    # One intake form, one concern: a double submit finds the first and creates nothing.
    intake_token = models.UUIDField(
        null=True, blank=True, unique=True, editable=False, verbose_name=_("intake token")
    )
    # What the public 311 answers call the concern instead of its reference (issue 21):
    # random, so that neither its order nor the gaps between references say anything. The
    # intake sets it (concerns/intake.py); the database default fills rows inserted by SQL.
    public_id = models.UUIDField(
        unique=True, editable=False, db_default=RandomUUID(), verbose_name=_("public id")
    )
    # Raised by one on every change made through the services. A form carries the number it
    # was shown, and a save from a page someone else has changed since is refused, never
    # applied over their change. The database default covers rows inserted in bulk by SQL.
    revision = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, verbose_name=_("revision")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    search_vector = models.GeneratedField(
        expression=SearchVector(
            "reference", "description", "suggestions", "area", config="english"
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # What "Correct the details" may change (the intake's facts stay as recorded).
    EDITABLE_FIELDS = (
        "category",
        "nature",
        "priority",
        "area",
        "defined_area",
        "latitude",
        "longitude",
        "summary",
        "description",
        "suggestions",
        "public_note",
    )

    objects = ConcernQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-date_received", "-id"]
        indexes = [
            # The included columns let the dashboard's counts by month, category and area
            # read the index alone (PERFORMANCE.md, the Chief's dashboard); duplicate_of so
            # that the reports' "counted once" (ConcernQuerySet.counted) does too, and
            # resolved_at so that a quarter's earlier concerns still open during it
            # (ConcernQuerySet.open_during) are found without reading the table.
            models.Index(
                fields=["-date_received", "-id"],
                name="concern_recent_idx",
                include=[
                    "category",
                    "area",
                    "status",
                    "defined_area",
                    "duplicate_of",
                    "resolved_at",
                ],
            ),
            # The concerns resolved in a period, whenever received (the annual report).
            models.Index(
                fields=["resolved_at"],
                name="concern_resolved_idx",
                include=["duplicate_of"],
                condition=Q(resolved_at__isnull=False),
            ),
            models.Index(
                fields=["status", "-date_received", "-id"],
                name="concern_status_idx",
                include=["category"],
            ),
            models.Index(fields=["category", "-date_received"], name="concern_category_idx"),
            # The possible duplicates of a concern: the same category in the same area over
            # the last month (concerns/duplicates.py). Without it PostgreSQL ANDed the
            # category's index with the whole area's (133,000 entries at a million
            # concerns): 11.9 ms of every concern page and intake check, 0.24 ms with it.
            models.Index(
                fields=["category", "defined_area", "-date_received"],
                name="concern_category_area_idx",
            ),
            models.Index(fields=["reported_by", "-date_received"], name="concern_reporter_idx"),
            models.Index(fields=["assignee", "status"], name="concern_assignee_idx"),
            # The typed locations not yet matched to an area: the matching page walks their
            # distinct values through this index one probe at a time (accounts/areas.py).
            models.Index(
                fields=["area"],
                name="concern_unplaced_idx",
                condition=Q(defined_area__isnull=True),
            ),
            models.Index(
                fields=["duplicate_of"],
                name="concern_duplicates_idx",
                condition=Q(duplicate_of__isnull=False),
            ),
            models.Index(
                fields=["-date_received", "-id"],
                name="concern_possible_dup_idx",
                condition=Q(possible_duplicate_of__isnull=False),
            ),
            GinIndex(fields=["search_vector"], name="concern_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="resolved", resolved_at__isnull=False)
                | (~Q(status="resolved") & Q(resolved_at__isnull=True)),
                name="concern_resolved_at_with_status",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("id")), name="concern_not_its_own_duplicate"
            ),
            *point_constraints("concern"),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("concerns:detail", args=[self.reference])

    def editable_values(self) -> dict:
        return {name: getattr(self, name) for name in self.EDITABLE_FIELDS}

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.RESOLVED

    @property
    def is_conduct(self) -> bool:
        return self.category == self.Category.CONDUCT_BIAS


class ConcernUpdate(models.Model):
    """One line of a concern's timeline. Append-only: never edited, never deleted."""

    from_db = quick_from_db  # read without __init__ (core/loading.py)

    class Kind(models.TextChoices):
        RECEIVED = "received", _("Received")
        NOTE = "note", _("Note")
        ESCALATED = "escalated", _("Escalated to supervisor")
        FORWARDED = "forwarded", _("Forwarded to CRO")
        RECOMMENDATION = "recommendation", _("Action recommended")
        ROUTED = "routed", _("Routed to unit")
        ACKNOWLEDGED = "acknowledged", _("Routing acknowledged")
        REFERRED = "referred", _("Referred")
        RESPONSE = "response", _("Response recorded")
        PROGRESS = "progress", _("Progress")
        ASSIGNED = "assigned", _("Assigned")
        RESOLVED = "resolved", _("Resolved")
        REOPENED = "reopened", _("Reopened")
        IMPORTED = "imported", _("Imported")
        EDITED = "edited", _("Details changed")
        # Duplicates (concerns/duplicates.py)
        MERGED = "merged", _("Merged")
        REPORTED_AGAIN = "reported_again", _("Reported again")
        POSSIBLE_DUPLICATE = "possible_dup", _("Possible duplicate")
        UNMERGED = "unmerged", _("Merge undone")
        # The organization that raised it told the outcome (concerns/organization_notice.py)
        ORGANIZATION_TOLD = "org_told", _("Outcome sent to the organization")

    # What is not progress on a concern in a report: its arrival, its import, a correction,
    # the bookkeeping of duplicates.
    NOT_PROGRESS = (
        Kind.RECEIVED,
        Kind.IMPORTED,
        Kind.EDITED,
        Kind.MERGED,
        Kind.REPORTED_AGAIN,
        Kind.POSSIBLE_DUPLICATE,
        Kind.UNMERGED,
    )

    # Indexed by update_timeline_idx (concern, created_at).
    concern = models.ForeignKey(
        Concern,
        on_delete=models.CASCADE,
        related_name="updates",
        db_index=False,
        verbose_name=_("concern"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("author"),
    )
    text = models.TextField(blank=True, verbose_name=_("text"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("concern update")
        verbose_name_plural = _("concern updates")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["concern", "created_at"], name="update_timeline_idx"),
            # What happened inside a window, whatever the concern: the reports' steps of
            # progress and recommendations, and the reopenings open_during looks for. The
            # included columns let those read the index alone.
            models.Index(
                fields=["created_at"], name="update_moment_idx", include=["kind", "concern"]
            ),
        ]

    def __str__(self):
        return f"{self.concern_id} {self.kind}"
