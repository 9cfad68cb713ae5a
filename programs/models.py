"""Community relations programs and their periodic evaluation (000 V, 003 1.a.8).

A program's sessions are outreach activities linked to it: one record, never typed twice.
"""

import calendar
import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Count, DecimalField, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import import_log_field

EVALUATE_EVERY_MONTHS = 6  # 003 1.a.8: semi-annual evaluation of the programs
DUE_SOON_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def session_totals(activities) -> dict:
    """Sessions, attendance, staff hours and materials cost of a set of activities, in SQL."""
    zero_money = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))
    totals = activities.aggregate(
        sessions=Count("id"),
        attendance=Coalesce(Sum("attendance"), Value(0, output_field=IntegerField())),
        staff_hours=Coalesce(Sum("staff_hours"), zero_money),
        materials_cost=Coalesce(Sum("materials_cost"), zero_money),
    )
    totals["cost_per_attendee"] = (
        round(totals["materials_cost"] / totals["attendance"], 2) if totals["attendance"] else None
    )
    return totals


class ProgramQuerySet(models.QuerySet):
    def with_totals(self):
        return self.annotate(
            session_count=Count("sessions", distinct=True),
            attendance_total=Coalesce(Sum("sessions__attendance"), 0),
        )


class Program(models.Model):
    class Category(models.TextChoices):
        MEETINGS = "meetings", "Forums and meetings"
        YOUTH = "youth", "Youth"
        EDUCATION = "education", "Education and academies"
        CRIME_PREVENTION = "crime_prevention", "Crime prevention"
        SAFETY = "safety", "Safety"
        CHARITY = "charity", "Charity and holidays"
        EVENTS = "events", "Events and recreation"
        MENTORSHIP = "mentorship", "Mentorship"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved by the Chief"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        DISCONTINUED = "discontinued", "Discontinued"

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    objectives = models.TextField(help_text="What the program sets out to achieve.")
    description = models.TextField(blank=True)
    schedule = models.CharField(max_length=160, blank=True, help_text="e.g. Monthly, first Tuesday")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_programs",
    )
    partners = models.ManyToManyField(
        "outreach.CommunityOrganization", blank=True, related_name="programs"
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    active_since = models.DateField(null=True, blank=True)
    import_log = import_log_field()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True, approved_at__isnull=True)
                | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="program_approval_pair",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programs:detail", args=[self.pk])

    def evaluation_due(self, last_period_end: dt.date | None = None) -> dt.date | None:
        """When the next evaluation is due: six months after the last accepted period ended,
        or after the program became active. None for a program that is not active."""
        if self.status != self.Status.ACTIVE:
            return None
        start = last_period_end or self.active_since
        return add_months(start, EVALUATE_EVERY_MONTHS) if start else None


class ProgramEvaluation(models.Model):
    """000 V: effectiveness, resources used, whether to continue, suggested alterations."""

    class Rating(models.IntegerChoices):
        NOT_EFFECTIVE = 1, "1 — Not effective"
        SLIGHTLY = 2, "2 — Slightly effective"
        MODERATELY = 3, "3 — Moderately effective"
        VERY = 4, "4 — Very effective"
        EXTREMELY = 5, "5 — Extremely effective"

    class Recommendation(models.TextChoices):
        CONTINUE = "continue", "Continue"
        CHANGES = "changes", "Continue with changes"
        DISCONTINUE = "discontinue", "Discontinue"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the Chief"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned for changes"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="evaluations")
    period_start = models.DateField()
    period_end = models.DateField()
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rating = models.PositiveSmallIntegerField("effectiveness", choices=Rating.choices)
    criteria = models.TextField("criteria for the rating")
    outcomes = models.TextField("outcomes, in words")
    recommendation = models.CharField(max_length=12, choices=Recommendation.choices)
    alterations = models.TextField("suggested alterations", blank=True)
    # Resources used, computed from the sessions when submitted (never typed).
    sessions = models.PositiveIntegerField(default=0)
    attendance = models.PositiveIntegerField(default=0)
    staff_hours = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    materials_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    chief_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_order",
                violation_error_message="The period must end on or after its start.",
            ),
            models.UniqueConstraint(
                fields=["program", "period_start", "period_end"],
                name="evaluation_once_per_period",
                violation_error_message="This program already has an evaluation for that period.",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True, decided_at__isnull=True)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="evaluation_decision_pair",
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("programs:evaluation", args=[self.pk])

    def period_sessions(self):
        return self.program.sessions.filter(date__gte=self.period_start, date__lte=self.period_end)

    @property
    def cost_per_attendee(self):
        return round(self.materials_cost / self.attendance, 2) if self.attendance else None
