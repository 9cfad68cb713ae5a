"""The periodic reports the Chief receives (001 III.C.4 and IV.A, 000 V and VI, 003 1.a.8).

A report is generated from the data for a period; the CRO writes only its narratives. At
submission its figures are frozen into `data`, so the Chief approves exactly what was
submitted; the approved PDF is stored with its SHA-256 and never changes.
"""

import datetime as dt
import json

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import SubmittedToTheChief

# How long past the render time limit a render may still show as waiting or running. The
# limit stops the layout; the margin covers reading the data and storing the file. A render
# older than both never finishes: its worker stopped.
RENDER_MARGIN = dt.timedelta(seconds=30)


def render_stale_before() -> dt.datetime:
    """A render waiting since before this time is shown as stopped."""
    return timezone.now() - dt.timedelta(seconds=settings.CRD_PDF_TIMEOUT_SECONDS) - RENDER_MARGIN


# A render under way holds a PostgreSQL advisory lock on (RENDER_LOCK, report id) in its
# worker's database session. The server lets go of it the moment that session ends, whether
# the worker finished, was killed, or lost the database: so "running" with nobody holding
# the lock is a render that will never finish, known at once rather than after a time limit.
RENDER_LOCK = 730_913


def render_is_alive(report_id: int) -> bool:
    """Whether some worker holds the render lock of this report now (reports.tasks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid = %s::oid AND objid = %s::oid AND objsubid = 2)",
            [RENDER_LOCK, report_id],
        )
        return cursor.fetchone()[0]


class ReportQuerySet(models.QuerySet):
    def listed(self):
        """Reports as a list names them, without their frozen figures and narratives: a
        quarter's figures are tens of kilobytes of JSON, and a page of fifty read them all
        (about 0.2 ms of CPU each)."""
        return self.defer("data", "narratives")

    def published_versions(self):
        """Every approved version of a public transparency report (002 300.8) whose year
        has ended: a running year is never public, whatever was approved before the rule."""
        return self.filter(
            kind=Report.Kind.TRANSPARENCY,
            status=Report.Status.APPROVED,
            period_end__lt=timezone.localdate(),
        )

    def published(self):
        """The public transparency reports: of each year, the latest approved version,
        newest year first, in one query however many years there are."""
        return (
            self.published_versions().order_by("-period_start", "-version").distinct("period_start")
        )


class Report(SubmittedToTheChief):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly community relations report")
        QUARTERLY = "quarterly", _("Quarterly community relations report")
        SEMI_ANNUAL = "semi_annual", _("Semi-annual program evaluation report")
        ANNUAL = "annual", _("Annual community relations report")
        TRANSPARENCY = "transparency", _("Public transparency report")
        SURVEY = "survey", _("Survey results summary")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the Chief")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")

    class Render(models.TextChoices):
        NONE = "none", _("Not rendered")
        QUEUED = "queued", _("Waiting to render")
        RUNNING = "running", _("Rendering")
        DONE = "done", _("Rendered")
        FAILED = "failed", _("Rendering failed")

    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    period_start = models.DateField(verbose_name=_("period start"))
    period_end = models.DateField(verbose_name=_("period end"))
    version = models.PositiveSmallIntegerField(default=1, verbose_name=_("version"))
    # The survey a results summary is about (002 300.5); empty for the periodic reports.
    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="summaries",
        verbose_name=_("survey"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    narratives = models.JSONField(default=dict, blank=True, verbose_name=_("narratives"))
    # The figures, frozen at submission (empty while a draft: drafts show live data).
    data = models.JSONField(null=True, blank=True, verbose_name=_("data"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    late_reason = models.TextField(blank=True, verbose_name=_("late reason"))
    # Raised by one on every save of the narratives and every step. A form carries the
    # number it was shown, so a save or a decision from a stale page is refused, never
    # applied over what someone else saved or submitted since. (`version` is the report's
    # own numbering of drafts for a period.)
    revision = models.PositiveIntegerField(
        default=1, db_default=1, editable=False, verbose_name=_("revision")
    )
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revised by"),
    )
    revised_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revised at"))
    pdf = models.FileField(upload_to="reports/", blank=True, verbose_name=_("pdf"))
    pdf_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("pdf sha256"))
    render_state = models.CharField(
        max_length=8, choices=Render.choices, default=Render.NONE, verbose_name=_("render state")
    )
    render_progress = models.PositiveSmallIntegerField(default=0, verbose_name=_("render progress"))
    render_error = models.TextField(blank=True, verbose_name=_("render error"))
    # When the render was asked for (queued) or taken up by the worker (running): one
    # waiting for longer than the time limit allows has no worker to run it, and one running
    # without its worker's lock (RENDER_LOCK) was stopped; either may be asked for again.
    render_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("render started at")
    )
    rendered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("rendered at"))
    # The Spanish file of an approved transparency report (reports.public), rendered once
    # after approval, hashed, and never changed, like `pdf`.
    pdf_es = models.FileField(upload_to="reports/", blank=True, verbose_name=_("Spanish pdf"))
    pdf_es_sha256 = models.CharField(
        max_length=64, blank=True, verbose_name=_("Spanish pdf sha256")
    )

    objects = ReportQuerySet.as_manager()

    class Meta(SubmittedToTheChief.Meta):
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind", "-version"]
        constraints = [
            *SubmittedToTheChief.Meta.constraints,
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
        return gettext("%(kind)s, %(period)s (v%(version)s)") % {
            "kind": self.get_kind_display(),
            "period": self.period_label,
            "version": self.version,
        }

    def get_absolute_url(self):
        return reverse("reports:detail", args=[self.pk])

    @property
    def title(self) -> str:
        """The heading of the report: its kind, or for a survey summary, the survey."""
        if self.kind == self.Kind.SURVEY and self.survey_id:
            return gettext("%(survey)s: results summary") % {"survey": self.survey.title}
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
        """It will not finish: running with no worker behind it (see RENDER_LOCK), or waiting
        for a worker for longer than a render may take."""
        if self.render_state == self.Render.RUNNING:
            return not render_is_alive(self.pk)
        return self.render_state == self.Render.QUEUED and (
            self.render_started_at is None or self.render_started_at < render_stale_before()
        )

    @property
    def is_rendering(self) -> bool:
        """A render under way, which the page follows until it finishes."""
        return self.render_pending and not self.render_stalled


class HitKind(models.TextChoices):
    """What the screening of a public narrative finds (reports.screening)."""

    NAME = "name", _("person's name")
    DSN = "dsn", _("DSN or badge number")
    REFERENCE = "reference", _("concern reference")
    CASE_NUMBER = "case_number", _("case number")
    PHONE = "phone", _("phone number")
    EMAIL = "email", _("email address")
    ADDRESS = "address", _("street address")


class ScreeningAcceptance(models.Model):
    """A hit of the screening that the CRO keeps in a transparency report's public
    narrative, and why (002 300.8). It clears that exact text of that kind on that report
    only: the same words elsewhere, a changed spelling or a new version are screened again.
    The row is never changed; its insert is in the audit trail (audit.trail's trigger)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="acceptances", verbose_name=_("report")
    )
    kind = models.CharField(max_length=12, choices=HitKind.choices, verbose_name=_("kind"))
    text = models.CharField(max_length=200, verbose_name=_("text"))
    reason = models.TextField(verbose_name=_("reason"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    at = models.DateTimeField(default=timezone.now, verbose_name=_("accepted at"))

    class Meta:
        verbose_name = _("screening acceptance")
        verbose_name_plural = _("screening acceptances")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "kind", "text"], name="screening_acceptance_once"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="screening_acceptance_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"


class ReportListing(models.Model):
    """Every line of a long listing of a submitted report, frozen with its figures
    (reports.builders._listings): its CSV file reads them, never the live data. Kept apart
    from `Report.data`, which the report's page and PDF read on every view: a large
    department's quarter lists 196,564 earlier concerns (47 MB of JSON).

    The lines are kept as the very JSON text their digest was taken of, not as JSONB: they
    are only ever read whole, and PostgreSQL's parsing 47 MB into JSONB (and Django's
    quoting it as an array for a bulk insert) made a submission 12 s longer; as text it
    costs about 1 s. Not in the audit trail: the lines are copies of records the trail has,
    and the report's figures, which are, name the text's SHA-256."""

    audited = False

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="listings", verbose_name=_("report")
    )
    key = models.CharField(max_length=40, verbose_name=_("listing"))
    lines = models.TextField(verbose_name=_("lines"))

    class Meta:
        verbose_name = _("report listing")
        verbose_name_plural = _("report listings")
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_listing_once")
        ]

    def __str__(self):
        return f"{self.report_id}: {self.key}"

    @property
    def rows(self) -> list[dict]:
        return json.loads(self.lines)


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    """The period in words, in the active language (month names from Django's catalog)."""
    if kind == Report.Kind.MONTHLY:
        return date_format(start, "F Y")
    if kind == Report.Kind.QUARTERLY:
        return gettext("Q%(quarter)d %(year)d") % {
            "quarter": (start.month - 1) // 3 + 1,
            "year": start.year,
        }
    if kind == Report.Kind.SEMI_ANNUAL:
        half = gettext("January–June") if start.month == 1 else gettext("July–December")
        return f"{half} {start.year}"
    if kind == Report.Kind.SURVEY:
        return f"{date_format(start, 'F j, Y')} – {date_format(end, 'F j, Y')}"
    return f"{start.year}"


class Plan(SubmittedToTheChief):
    """The year's community relations plan (001 III.C): objectives the Chief approves and
    the annual report reports against."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the Chief")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")

    year = models.PositiveSmallIntegerField(unique=True, verbose_name=_("year"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta(SubmittedToTheChief.Meta):
        constraints = SubmittedToTheChief.Meta.constraints
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year"]

    def __str__(self):
        return gettext("Community relations plan %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("reports:plan", args=[self.year])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Objective(models.Model):
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    text = models.CharField(max_length=300, verbose_name=_("text"))

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="objective_position_once")
        ]

    def __str__(self):
        return self.text


class Recommendation(SubmittedToTheChief):
    """A draft policy idea or a recommended improvement to a practice or program, from the
    CRO to the Chief (000 III.3 and III.6, 001 III.C.3 and C.6, 003 1.a.2 and a.5), with the
    concerns, evaluations or survey results behind it. Accepted ones are tracked to done and
    appear in the annual report."""

    class Kind(models.TextChoices):
        POLICY = "policy", _("Draft policy")
        PRACTICE = "practice", _("Improvement to a practice")
        PROGRAM = "program", _("Improvement to a program")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the Chief")
        MORE_INFO = "more_info", _("Chief asked for more")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        DONE = "done", _("Done")

    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    title = models.CharField(max_length=200, verbose_name=_("title"))
    text = models.TextField(_("The recommendation"))
    reasons = models.TextField(_("Why: what the community said, what the data shows"), blank=True)
    concerns = models.ManyToManyField(
        "concerns.Concern", blank=True, related_name="+", verbose_name=_("concerns")
    )
    evaluation = models.ForeignKey(
        "programs.ProgramEvaluation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evaluation"),
    )
    survey = models.ForeignKey(
        "surveys.Survey",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("survey"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    done_on = models.DateField(null=True, blank=True, verbose_name=_("done on"))
    outcome = models.TextField(_("What was done"), blank=True)

    class Meta(SubmittedToTheChief.Meta):
        constraints = SubmittedToTheChief.Meta.constraints
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="recommendation_status_idx")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:recommendation", args=[self.pk])
