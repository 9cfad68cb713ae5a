"""The periodic reports the Chief receives (001 III.C.4 and IV.A, 000 V and VI, 003 1.a.8).

A report is generated from the data for a period; the CRO writes only its narratives. At
submission its figures are frozen into `data`, so the Chief approves exactly what was
submitted; the approved PDF is stored with its SHA-256 and never changes.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# How long past the render time limit a render may still show as waiting or running. The
# limit stops the layout; the margin covers reading the data and storing the file. A render
# older than both never finishes: its worker stopped.
RENDER_MARGIN = dt.timedelta(seconds=30)


def render_stale_before() -> dt.datetime:
    """A render waiting or running since before this time is shown as stopped."""
    return timezone.now() - dt.timedelta(seconds=settings.CRD_PDF_TIMEOUT_SECONDS) - RENDER_MARGIN


class Report(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly community relations report"
        QUARTERLY = "quarterly", "Quarterly community relations report"
        SEMI_ANNUAL = "semi_annual", "Semi-annual program evaluation report"
        ANNUAL = "annual", "Annual community relations report"
        TRANSPARENCY = "transparency", "Public transparency report"
        SURVEY = "survey", "Survey results summary"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the Chief"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"

    class Render(models.TextChoices):
        NONE = "none", "Not rendered"
        QUEUED = "queued", "Waiting to render"
        RUNNING = "running", "Rendering"
        DONE = "done", "Rendered"
        FAILED = "failed", "Rendering failed"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveSmallIntegerField(default=1)
    # The survey a results summary is about (002 300.5); empty for the periodic reports.
    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="summaries",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    narratives = models.JSONField(default=dict, blank=True)
    # The figures, frozen at submission (empty while a draft: drafts show live data).
    data = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    late_reason = models.TextField(blank=True)
    # Raised by one on every save of the narratives and every step. A form carries the
    # number it was shown, so a save or a decision from a stale page is refused, never
    # applied over what someone else saved or submitted since. (`version` is the report's
    # own numbering of drafts for a period.)
    revision = models.PositiveIntegerField(default=1, db_default=1, editable=False)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revised_at = models.DateTimeField(null=True, blank=True)
    chief_comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to="reports/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    render_state = models.CharField(max_length=8, choices=Render.choices, default=Render.NONE)
    render_progress = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    # When the render was asked for (queued) or taken up by the worker (running): a render
    # that has been either for longer than the time limit allows was stopped (the worker
    # was killed or is not running) and may be asked for again.
    render_started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "version"],
                condition=Q(survey__isnull=True),
                name="report_version_once",
            ),
            models.UniqueConstraint(
                fields=["survey", "version"],
                condition=Q(survey__isnull=False),
                name="report_survey_version_once",
            ),
            models.CheckConstraint(
                condition=Q(kind="survey", survey__isnull=False)
                | (~Q(kind="survey") & Q(survey__isnull=True)),
                name="report_survey_kind",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="report_period_order"
            ),
        ]
        indexes = [models.Index(fields=["kind", "status", "-period_start"], name="report_kind_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.period_label} (v{self.version})"

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def title(self) -> str:
        """The heading of the report: its kind, or for a survey summary, the survey."""
        if self.kind == self.Kind.SURVEY and self.survey_id:
            return f"{self.survey.title}: results summary"
        return self.get_kind_display()

    @property
    def period_label(self) -> str:
        return period_label(self.kind, self.period_start, self.period_end)

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def render_pending(self) -> bool:
        """Waiting or running, whether or not it will ever finish."""
        return self.render_state in (self.Render.QUEUED, self.Render.RUNNING)

    @property
    def render_stalled(self) -> bool:
        """Waiting or running for longer than a render may take: it will not finish."""
        return self.render_pending and (
            self.render_started_at is None or self.render_started_at < render_stale_before()
        )

    @property
    def is_rendering(self) -> bool:
        """A render under way, which the page follows until it finishes."""
        return self.render_pending and not self.render_stalled


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    if kind == Report.Kind.MONTHLY:
        return f"{start:%B %Y}"
    if kind == Report.Kind.QUARTERLY:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if kind == Report.Kind.SEMI_ANNUAL:
        return f"{'January–June' if start.month == 1 else 'July–December'} {start.year}"
    if kind == Report.Kind.SURVEY:
        return f"{start:%B %-d, %Y} – {end:%B %-d, %Y}"
    return f"{start.year}"


class Plan(models.Model):
    """The year's community relations plan (001 III.C): objectives the Chief approves and
    the annual report reports against."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the Chief"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"

    year = models.PositiveSmallIntegerField(unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    chief_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return f"Community relations plan {self.year}"

    def get_absolute_url(self):
        return reverse("reports:plan", args=[self.year])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="objective_position_once")
        ]

    def __str__(self):
        return self.text


class Recommendation(models.Model):
    """A draft policy idea or a recommended improvement to a practice or program, from the
    CRO to the Chief (000 III.3 and III.6, 001 III.C.3 and C.6, 003 1.a.2 and a.5), with the
    concerns, evaluations or survey results behind it. Accepted ones are tracked to done and
    appear in the annual report."""

    class Kind(models.TextChoices):
        POLICY = "policy", "Draft policy"
        PRACTICE = "practice", "Improvement to a practice"
        PROGRAM = "program", "Improvement to a program"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the Chief"
        MORE_INFO = "more_info", "Chief asked for more"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        DONE = "done", "Done"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=200)
    text = models.TextField("The recommendation")
    reasons = models.TextField("Why: what the community said, what the data shows", blank=True)
    concerns = models.ManyToManyField("concerns.Concern", blank=True, related_name="+")
    evaluation = models.ForeignKey(
        "programs.ProgramEvaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    chief_comment = models.TextField(blank=True)
    done_on = models.DateField(null=True, blank=True)
    outcome = models.TextField("What was done", blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="recommendation_status_idx")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:recommendation", args=[self.pk])
