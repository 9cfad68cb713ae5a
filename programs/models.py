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
from django.utils.translation import gettext_lazy as _

from core.models import SubmittedToTheChief
from imports.models import import_log_field

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


def next_evaluation_due(
    active_since: dt.date | None, last_period_end: dt.date | None
) -> dt.date | None:
    """An active program's next evaluation: six months after the last accepted period
    ended, or after the program became active (None before it has either)."""
    start = last_period_end or active_since
    return add_months(start, EVALUATE_EVERY_MONTHS) if start else None


class Program(models.Model):
    class Category(models.TextChoices):
        MEETINGS = "meetings", _("Forums and meetings")
        YOUTH = "youth", _("Youth")
        EDUCATION = "education", _("Education and academies")
        CRIME_PREVENTION = "crime_prevention", _("Crime prevention")
        SAFETY = "safety", _("Safety")
        CHARITY = "charity", _("Charity and holidays")
        EVENTS = "events", _("Events and recreation")
        MENTORSHIP = "mentorship", _("Mentorship")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved by the Chief")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DISCONTINUED = "discontinued", _("Discontinued")

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    category = models.CharField(max_length=20, choices=Category.choices, verbose_name=_("category"))
    objectives = models.TextField(
        help_text=_("What the program sets out to achieve."), verbose_name=_("objectives")
    )
    description = models.TextField(blank=True, verbose_name=_("description"))
    schedule = models.CharField(
        max_length=160,
        blank=True,
        help_text=_("e.g. Monthly, first Tuesday"),
        verbose_name=_("schedule"),
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_programs",
        verbose_name=_("coordinator"),
    )
    partners = models.ManyToManyField(
        "outreach.CommunityOrganization",
        blank=True,
        related_name="programs",
        verbose_name=_("partners"),
    )
    status = models.CharField(
        max_length=14, choices=Status.choices, default=Status.PROPOSED, verbose_name=_("status")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    active_since = models.DateField(null=True, blank=True, verbose_name=_("active since"))
    import_log = import_log_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = ProgramQuerySet.as_manager()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
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
        return next_evaluation_due(self.active_since, last_period_end)


class ProgramEvaluation(SubmittedToTheChief):
    """000 V: effectiveness, resources used, whether to continue, suggested alterations."""

    class Rating(models.IntegerChoices):
        NOT_EFFECTIVE = 1, _("1 — Not effective")
        SLIGHTLY = 2, _("2 — Slightly effective")
        MODERATELY = 3, _("3 — Moderately effective")
        VERY = 4, _("4 — Very effective")
        EXTREMELY = 5, _("5 — Extremely effective")

    class Recommendation(models.TextChoices):
        CONTINUE = "continue", _("Continue")
        CHANGES = "changes", _("Continue with changes")
        DISCONTINUE = "discontinue", _("Discontinue")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the Chief")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for changes")

    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("program")
    )
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    rating = models.PositiveSmallIntegerField(_("effectiveness"), choices=Rating.choices)
    criteria = models.TextField(_("criteria for the rating"))
    outcomes = models.TextField(_("outcomes, in words"))
    recommendation = models.CharField(
        max_length=12, choices=Recommendation.choices, verbose_name=_("recommendation")
    )
    alterations = models.TextField(_("suggested alterations"), blank=True)
    # Resources used, computed from the sessions when submitted (never typed).
    sessions = models.PositiveIntegerField(default=0, verbose_name=_("sessions"))
    attendance = models.PositiveIntegerField(default=0, verbose_name=_("attendance"))
    staff_hours = models.DecimalField(
        max_digits=10, decimal_places=2, default=0, verbose_name=_("staff hours")
    )
    materials_cost = models.DecimalField(
        max_digits=12, decimal_places=2, default=0, verbose_name=_("materials cost")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta(SubmittedToTheChief.Meta):
        verbose_name = _("program evaluation")
        verbose_name_plural = _("program evaluations")
        ordering = ["-period_end", "-id"]
        constraints = [
            *SubmittedToTheChief.Meta.constraints,
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_order",
                violation_error_message=_("The period must end on or after its start."),
            ),
            models.UniqueConstraint(
                fields=["program", "period_start", "period_end"],
                name="evaluation_once_per_period",
                violation_error_message=_(
                    "This program already has an evaluation for that period."
                ),
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
