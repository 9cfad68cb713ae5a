from django.conf import settings
from django.db import models
from django.db.models import Q


class TrainingNeed(models.Model):
    """A training need found from community input, forwarded to the Training Officer
    (000 III.7, 001 III.C.7, 003 1.a.6)."""

    class Topic(models.TextChoices):
        # 002 300.9 (a)-(e)
        COMMUNICATION = "communication", "Effective social interaction and communication skills"
        DIVERSITY = "diversity", "Cultural, racial and ethnic diversity and relations"
        PARTNERSHIPS = "partnerships", "Building community partnerships"
        COMMUNITY_POLICING = "community_policing", "Community policing and problem-solving"
        ENFORCEMENT_EFFECTS = "enforcement_effects", "Enforcement actions and their effects"
        OTHER = "other", "Other"

    class Source(models.TextChoices):
        CITIZEN_INTERVIEWS = "citizen_interviews", "Interviews with citizens"
        INTERNAL_AFFAIRS = "internal_affairs", "Internal affairs investigators"
        SUPERVISORS = "supervisors", "Supervisors"
        SURVEYS = "surveys", "Surveys"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        IDENTIFIED = "identified", "Identified"
        FORWARDED = "forwarded", "Forwarded to the Training Officer"
        SCHEDULED = "scheduled", "Scheduled"
        DELIVERED = "delivered", "Delivered"

    topic = models.CharField(max_length=24, choices=Topic.choices)
    topic_detail = models.CharField("topic in a few words", max_length=160, blank=True)
    source = models.CharField(max_length=24, choices=Source.choices)
    description = models.TextField("what was observed and why training would help")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IDENTIFIED)
    identified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    forwarded_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)
    training_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
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
        help_text="A department member, or leave empty and name a community member.",
    )
    community_member = models.CharField(max_length=160, blank=True)
    reason = models.TextField()
    date = models.DateField()
    recognized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(member__isnull=False) & Q(community_member=""))
                | (Q(member__isnull=True) & ~Q(community_member="")),
                name="recognition_one_recipient",
                violation_error_message="Name either a department member or a community member.",
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
        CRIME_PREVENTION = "crime_prevention", "Crime prevention officer"
        SCHOOL_RESOURCE = "school_resource", "School resource officer"
        SAFETY = "safety", "Safety officer"

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reporting_assignments"
    )
    duty = models.CharField(max_length=20, choices=Duty.choices)
    is_active = models.BooleanField(default=True)
    since = models.DateField()

    class Meta:
        ordering = ["officer__last_name", "duty"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "duty"], name="reporting_assignment_once")
        ]

    def __str__(self):
        return f"{self.officer} ({self.get_duty_display()})"


class CommunityInputReport(models.Model):
    assignment = models.ForeignKey(
        ReportingAssignment, on_delete=models.PROTECT, related_name="reports"
    )
    submitted_on = models.DateField()
    concerns_heard = models.TextField("community concerns you heard")
    suggestions = models.TextField("suggestions for the department", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_on", "-id"]
        indexes = [
            models.Index(fields=["assignment", "-submitted_on"], name="input_report_latest_idx")
        ]

    def __str__(self):
        return f"{self.assignment} {self.submitted_on}"
