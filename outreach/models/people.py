from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TrainingNeed(models.Model):
    """A training need found from community input, forwarded to the Training Officer
    (000 III.7, 001 III.C.7, 003 1.a.6)."""

    class Topic(models.TextChoices):
        # 002 300.9 (a)-(e)
        COMMUNICATION = "communication", _("Effective social interaction and communication skills")
        DIVERSITY = "diversity", _("Cultural, racial and ethnic diversity and relations")
        PARTNERSHIPS = "partnerships", _("Building community partnerships")
        COMMUNITY_POLICING = "community_policing", _("Community policing and problem-solving")
        ENFORCEMENT_EFFECTS = "enforcement_effects", _("Enforcement actions and their effects")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        CITIZEN_INTERVIEWS = "citizen_interviews", _("Interviews with citizens")
        INTERNAL_AFFAIRS = "internal_affairs", _("Internal affairs investigators")
        SUPERVISORS = "supervisors", _("Supervisors")
        SURVEYS = "surveys", _("Surveys")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("Identified")
        FORWARDED = "forwarded", _("Forwarded to the Training Officer")
        SCHEDULED = "scheduled", _("Scheduled")
        DELIVERED = "delivered", _("Delivered")

    topic = models.CharField(max_length=24, choices=Topic.choices, verbose_name=_("topic"))
    topic_detail = models.CharField(_("topic in a few words"), max_length=160, blank=True)
    source = models.CharField(max_length=24, choices=Source.choices, verbose_name=_("source"))
    description = models.TextField(_("what was observed and why training would help"))
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.IDENTIFIED, verbose_name=_("status")
    )
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("identified by"),
    )
    forwarded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("forwarded at"))
    scheduled_for = models.DateField(null=True, blank=True, verbose_name=_("scheduled for"))
    delivered_on = models.DateField(null=True, blank=True, verbose_name=_("delivered on"))
    training_notes = models.TextField(blank=True, verbose_name=_("training notes"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("training need")
        verbose_name_plural = _("training needs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="training_status_idx")]

    def __str__(self):
        return self.topic_detail or self.get_topic_display()


class Recognition(models.Model):
    """Members and community members recognized for exceptional work (002 300.4(f))."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        help_text=_("A department member, or leave empty and name a community member."),
        verbose_name=_("member"),
    )
    community_member = models.CharField(
        max_length=160, blank=True, verbose_name=_("community member")
    )
    reason = models.TextField(verbose_name=_("reason"))
    date = models.DateField(verbose_name=_("date"))
    recognized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recognized by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(community_member=""))
                | (Q(member__isnull=True) & ~Q(community_member="")),
                name="recognition_one_recipient",
                violation_error_message=_("Name either a department member or a community member."),
            )
        ]

    def __str__(self):
        return self.recipient

    @property
    def recipient(self) -> str:
        return self.member.display_name if self.member_id else self.community_member


class ReportingAssignment(models.Model):
    """An officer who must report community input to the CRO at least four times a year
    (003 1.b): crime prevention, school resource and safety officers."""

    class Duty(models.TextChoices):
        CRIME_PREVENTION = "crime_prevention", _("Crime prevention officer")
        SCHOOL_RESOURCE = "school_resource", _("School resource officer")
        SAFETY = "safety", _("Safety officer")

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reporting_assignments",
        verbose_name=_("officer"),
    )
    duty = models.CharField(max_length=20, choices=Duty.choices, verbose_name=_("duty"))
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    since = models.DateField(verbose_name=_("since"))

    class Meta:
        verbose_name = _("reporting assignment")
        verbose_name_plural = _("reporting assignments")
        ordering = ["officer__last_name", "duty"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "duty"], name="reporting_assignment_once")
        ]

    def __str__(self):
        return f"{self.officer} ({self.get_duty_display()})"


class CommunityInputReport(models.Model):
    assignment = models.ForeignKey(
        ReportingAssignment,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("assignment"),
    )
    submitted_on = models.DateField(verbose_name=_("submitted on"))
    concerns_heard = models.TextField(_("community concerns you heard"))
    suggestions = models.TextField(_("suggestions for the department"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("community input report")
        verbose_name_plural = _("community input reports")
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["assignment", "-submitted_on"], name="input_report_latest_idx")
        ]

    def __str__(self):
        return f"{self.assignment} {self.submitted_on}"
