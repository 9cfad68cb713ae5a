from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Located, point_constraints
from core.permissions import Permission, permissions_for
from imports.models import import_log_field


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Officers see what they logged or took part in; oversight roles see all."""

        granted = permissions_for(user)
        if Permission.LOG_ACTIVITY not in granted:
            return self.none()
        if Permission.VIEW_ALL_ACTIVITIES in granted:
            return self
        return self.filter(Q(logged_by=user) | Q(officers=user)).distinct()

    def search(self, text: str):
        return self.filter(
            search_vector=SearchQuery(text, search_type="websearch", config="english")
        )

    def held(self):
        return self.filter(status=OutreachActivity.Status.HELD)

    def foot_patrols(self):
        return self.filter(kind=OutreachActivity.Kind.FOOT_PATROL)

    def notice_missing(self):
        """Foot patrols that lack a notification 002 §300.3(d) asks for."""
        return self.filter(notice_missing_q())

    def for_list(self):
        return self.select_related("organization").only(
            "date",
            "status",
            "kind",
            "start_time",
            "end_time",
            "supervisor_notified",
            "dispatch_notified_start",
            "dispatch_notified_end",
            "title",
            "attendance",
            "staff_hours",
            "materials_cost",
            "organization__name",
            "area",
        )


class HeldManager(models.Manager.from_queryset(ActivityQuerySet)):
    """The default: activities that took place. Every figure that counts activities
    (reports, dashboard, program evaluations, an organization's last contact) goes through
    it, so a scheduled event is never counted before it has happened (002 §300.7). Pages
    that plan events use `OutreachActivity.with_scheduled`."""

    def get_queryset(self):
        return super().get_queryset().filter(status=OutreachActivity.Status.HELD)


# 002 §300.3(d): "notify an appropriate supervisor and the Dispatch Center ... before
# beginning and upon completion of the foot patrol". The one list of what a foot patrol
# owes: the record's flags, the list filter and the monthly figure all read it.
FOOT_PATROL_NOTICES = (
    ("supervisor_notified", _("Supervisor not told")),
    ("dispatch_notified_start", _("Dispatch not told at start")),
    ("dispatch_notified_end", _("Dispatch not told at end")),
)


def notice_missing_q() -> Q:
    """Foot patrols with at least one notification missing, as a filter."""
    missing = Q()
    for field, _label in FOOT_PATROL_NOTICES:
        missing |= Q(**{field: False})
    # A scheduled patrol has told no one yet: it owes its notifications once held.
    return Q(kind=OutreachActivity.Kind.FOOT_PATROL, status=OutreachActivity.Status.HELD) & missing


class OutreachActivity(Located):
    """What the unit and its officers did with the community, or an event it has planned."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        SCHEDULED = "scheduled", _("Scheduled")

    class Kind(models.TextChoices):
        # The Community Services Report categories, 000 VI.1-9.
        SAFETY_CLASS = "safety_class", _("Safety school class")
        SECURITY_INSPECTION = (
            "security_inspection",
            _("Residential or business security inspection"),
        )
        SAFETY_PRESENTATION = (
            "safety_presentation",
            _("Business or organizational safety presentation"),
        )
        ORGANIZATION_MEETING = "organization_meeting", _("Meeting with a community organization")
        WEEKLY_INCIDENT_REPORT = "weekly_incident_report", _("Weekly police incident report")
        CITIZENS_ACADEMY = "citizens_academy", _("Citizen's Academy")
        MEDIA_CONTACT = "media_contact", _("Media contact or interview")
        CITY_COLLABORATION = "city_collaboration", _("Collaboration with another city department")
        AGENCY_COLLABORATION = "agency_collaboration", _("Collaboration with a neighboring agency")
        # Other outreach (DESIGN §2, 002 300.3-300.6, 004 §2 and IV).
        FORUM = "forum", _("Community forum")
        COFFEE_WITH_CHIEF = "coffee_with_chief", _("Coffee with the Chief")
        OPEN_HOUSE = "open_house", _("Open house")
        SOCIAL_MEDIA = "social_media", _("Social media")
        PUBLICATION = "publication", _("Publication (newsletter, press release, website)")
        SCHOOL_VISIT = "school_visit", _("School visit")
        FOOT_PATROL = "foot_patrol", _("Foot patrol")
        COUNCIL_MEETING = "council_meeting", _("Police Commission or council meeting")
        ADVISORY_MEETING = "advisory_meeting", _("Community advisory committee meeting")
        CIVIC_RELIGIOUS = "civic_religious", _("Civic or religious function")
        IMMIGRATION_OUTREACH = (
            "immigration_outreach",
            _("Immigration-status outreach to family-violence or sexual-assault providers"),
        )
        # 000 III.2 (educating personnel) and III.8 (advising groups being established):
        # not among the nine report categories; the annual report counts them on their own.
        PERSONNEL_BRIEFING = (
            "personnel_briefing",
            _("Briefing or training of personnel on community relations"),
        )
        GROUP_FORMATION_ADVICE = "group_formation_advice", _("Advice to a group forming")
        OTHER = "other", _("Other")

    CSR_KINDS = frozenset(
        {
            Kind.SAFETY_CLASS,
            Kind.SECURITY_INSPECTION,
            Kind.SAFETY_PRESENTATION,
            Kind.ORGANIZATION_MEETING,
            Kind.WEEKLY_INCIDENT_REPORT,
            Kind.CITIZENS_ACADEMY,
            Kind.MEDIA_CONTACT,
            Kind.CITY_COLLABORATION,
            Kind.AGENCY_COLLABORATION,
        }
    )

    kind = models.CharField(max_length=24, choices=Kind.choices, verbose_name=_("kind"))
    # A scheduled event may be dated ahead so people can register and be cleared before it
    # (002 §300.7); only a held one is counted, and a held one is never in the future.
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.HELD,
        verbose_name=_("status"),
        help_text=_("Scheduled: planned ahead, people can register. Held: it took place."),
    )
    date = models.DateField(verbose_name=_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(
        _("end time"),
        null=True,
        blank=True,
        help_text=_("An end time earlier than the start means it ended after midnight."),
    )
    title = models.CharField(max_length=160, verbose_name=_("title"))
    # Indexed by activity_org_idx (organization, -date, with the status).
    organization = models.ForeignKey(
        "outreach.CommunityOrganization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        db_index=False,
        verbose_name=_("organization"),
    )
    # A program's sessions are its activities (DESIGN §2); indexed by activity_program_idx.
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        db_index=False,
        help_text=_("If this was a session of a department program."),
        verbose_name=_("program"),
    )
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="outreach_activities",
        blank=True,
        verbose_name=_("officers"),
    )
    area = models.CharField(max_length=160, blank=True, verbose_name=_("location"))
    defined_area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("area"),
    )
    attendance = models.PositiveIntegerField(default=0, verbose_name=_("attendance"))
    staff_hours = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        verbose_name=_("staff hours"),
    )
    materials_cost = models.DecimalField(
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        verbose_name=_("materials cost"),
    )
    summary = models.TextField(blank=True, verbose_name=_("summary"))
    link = models.URLField(
        blank=True, help_text=_("For publications: where it appeared."), verbose_name=_("link")
    )
    # 002 300.3(d): foot patrols tell the supervisor and dispatch at start and end.
    supervisor_notified = models.BooleanField(
        _("supervisor told"), default=False, help_text=_("Foot patrols only.")
    )
    notified_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor who was told"),
    )
    dispatch_notified_start = models.BooleanField(
        _("dispatch told at the start"), default=False, help_text=_("Foot patrols only.")
    )
    dispatch_notified_end = models.BooleanField(
        _("dispatch told at the end"), default=False, help_text=_("Foot patrols only.")
    )
    notice_note = models.TextField(
        _("why a notification is missing"),
        blank=True,
        help_text=_("Foot patrols saved with a notification missing say why."),
    )
    # 002 300.7: waivers, guardians for minors, criminal-history checks.
    waivers_required = models.BooleanField(_("participants sign waivers"), default=False)
    background_check_required = models.BooleanField(
        _("participants need a criminal-history check"),
        default=False,
        help_text=_("Always on for a Citizen's Academy."),
    )
    # Indexed by activity_logger_idx (logged_by, -date).
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("logged by"),
    )
    import_log = import_log_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    search_vector = models.GeneratedField(
        expression=SearchVector("title", "summary", "area", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = HeldManager()
    with_scheduled = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("outreach activity")
        ordering = ["-date", "-id"]
        verbose_name_plural = _("outreach activities")
        default_manager_name = "objects"
        constraints = [
            *point_constraints("activity"),
            # Naming who was told means the supervisor was told.
            models.CheckConstraint(
                condition=Q(notified_supervisor__isnull=True) | Q(supervisor_notified=True),
                name="activity_supervisor_named_was_told",
            ),
        ]
        indexes = [
            # The status included too: the default manager counts held activities only, and
            # a report's counts by kind and month then read the index alone (a year's by
            # kind 85.9 to 6.3 ms at 300,000 activities: docs/PERFORMANCE.md).
            models.Index(
                fields=["-date", "-id"],
                name="activity_recent_idx",
                include=["kind", "attendance", "status"],
            ),
            models.Index(fields=["kind", "-date"], name="activity_kind_idx"),
            # The status included: whether an organization was contacted since a day (the
            # dashboard's stale organizations, the list's filter, the last contact) is read
            # from the index alone, held activities only (8.8 to 2.4-2.8 ms at 300,000).
            models.Index(
                fields=["organization", "-date"], name="activity_org_idx", include=["status"]
            ),
            models.Index(fields=["logged_by", "-date"], name="activity_logger_idx"),
            models.Index(fields=["program", "-date"], name="activity_program_idx"),
            GinIndex(fields=["search_vector"], name="activity_search_idx"),
            models.Index(
                fields=["area"],
                name="activity_unplaced_idx",
                condition=Q(defined_area__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self):
        return reverse("outreach:activity", args=[self.pk])

    @property
    def in_services_report(self) -> bool:
        return self.kind in self.CSR_KINDS

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    def missing_notices(self) -> list[str]:
        """What a held foot patrol did not tell (002 §300.3(d)); empty for other kinds."""
        if self.kind != self.Kind.FOOT_PATROL or self.status != self.Status.HELD:
            return []
        return [str(label) for field, label in FOOT_PATROL_NOTICES if not getattr(self, field)]


class Participant(models.Model):
    """A community member taking part in an event (002 300.7). Personal data: CRO and Chief."""

    class Check(models.TextChoices):
        NOT_REQUIRED = "not_required", _("Not required")
        REQUIRED = "required", _("Required, not started")
        PENDING = "pending", _("Pending")
        CLEARED = "cleared", _("Cleared")
        NOT_CLEARED = "not_cleared", _("Not cleared")

    activity = models.ForeignKey(
        OutreachActivity,
        on_delete=models.CASCADE,
        related_name="participants",
        verbose_name=_("activity"),
    )
    name = models.CharField(max_length=120, verbose_name=_("name"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    is_minor = models.BooleanField(_("under 18"), default=False)
    guardian_name = models.CharField(_("parent or guardian who signed"), max_length=120, blank=True)
    waiver_signed_on = models.DateField(_("waiver signed on"), null=True, blank=True)
    background_check = models.CharField(
        _("criminal-history check"),
        max_length=16,
        choices=Check.choices,
        default=Check.NOT_REQUIRED,
    )
    # Registered beforehand; marked as having taken part only when nothing stands in the
    # way (002 §300.7, outreach.services.save_participant).
    attended = models.BooleanField(_("took part"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["name"]
        constraints = [
            # A minor's waiver is signed by a parent or guardian (002 300.7).
            models.CheckConstraint(
                condition=~Q(is_minor=True, waiver_signed_on__isnull=False, guardian_name=""),
                name="participant_minor_waiver_has_guardian",
                violation_error_message=(
                    _("A minor's waiver must name the parent or guardian who signed it.")
                ),
            )
        ]

    def __str__(self):
        return self.name

    def problems(self) -> list[str]:
        """What stands between this participant and taking part."""
        found = []
        if self.activity.waivers_required and not self.waiver_signed_on:
            found.append(gettext("no signed waiver"))
        if self.is_minor and self.waiver_signed_on and not self.guardian_name:
            found.append(gettext("minor without a guardian on the waiver"))
        if self.activity.background_check_required and self.background_check != self.Check.CLEARED:
            found.append(
                gettext("criminal-history check: %(status)s")
                % {"status": self.get_background_check_display().lower()}
            )
        return found


def program_model():
    """The programs app sits above this one (a program's sessions are its activities), so
    outreach reaches the program model through the activity's link, never by an import."""
    return OutreachActivity._meta.get_field("program").related_model
