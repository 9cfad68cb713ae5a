"""The report lifecycle: generate a draft, write the narratives, submit (the figures are
frozen), the Chief returns or approves (the final PDF is rendered once and hashed)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.notify import approval_decided, submitted_for_approval
from accounts.permissions import Permission, require
from reports.builders import build_for, narrative_fields
from reports.models import Objective, Plan, Report
from reports.periods import due_date, period_containing

S = Report.Status

NOT_EDITABLE = "Only a draft or a returned report can be changed or submitted."
NOT_SUBMITTED = "Only a report waiting for the Chief can be approved or returned."
LATE_REASON = "This report is past its due date (%(due)s): say why it is late."
COMMENT_REQUIRED = "Say what should change, so the CRO can revise the report."
FUTURE_PERIOD = "A report can be generated only for a period that has begun."
APPROVED_IS_FINAL = "An approved report's file is final and is never rendered again."


@transaction.atomic
def generate_report(*, kind: str, day: dt.date, by) -> Report:
    """A new draft (a new version if the period already has one) for the period of `day`."""
    require(by, Permission.MANAGE_REPORTS)
    start, end = period_containing(kind, day)
    if start > timezone.localdate():
        raise ValidationError(FUTURE_PERIOD)
    # Lock the kind's rows for this period so two clicks make two numbered versions.
    existing = Report.objects.select_for_update().filter(kind=kind, period_start=start)
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    previous = existing.order_by("-version").first()
    return Report.objects.create(
        kind=kind,
        period_start=start,
        period_end=end,
        version=version,
        created_by=by,
        narratives=dict(previous.narratives) if previous else {},
    )


NO_RESULTS = "A summary can be written once the Chief has approved the survey and it has opened."


@transaction.atomic
def generate_survey_summary(*, survey, by) -> Report:
    """The written summary of a survey's compiled results for the Chief (002 300.5): a
    report like the others, through the same narratives, submission and approval."""
    from surveys.models import Survey

    require(by, Permission.MANAGE_REPORTS)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status not in (Survey.Status.APPROVED, Survey.Status.CLOSED) or (
        survey.opens_on > timezone.localdate()
    ):
        raise ValidationError(NO_RESULTS)
    existing = Report.objects.filter(survey=survey)
    version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
    previous = existing.order_by("-version").first()
    return Report.objects.create(
        kind=Report.Kind.SURVEY,
        survey=survey,
        period_start=survey.opens_on,
        period_end=survey.closes_on,
        version=version,
        created_by=by,
        narratives=dict(previous.narratives) if previous else {},
    )


def _editable(report: Report) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not report.is_editable:
        raise ValidationError(NOT_EDITABLE)
    return report


@transaction.atomic
def save_narratives(*, report: Report, by, narratives: dict) -> Report:
    require(by, Permission.MANAGE_REPORTS)
    report = _editable(report)
    data = report.data or build_for(report)
    allowed = {key for key, _ in narrative_fields(report.kind, data)}
    report.narratives = {k: v.strip() for k, v in narratives.items() if k in allowed}
    report.save(update_fields=["narratives"])
    return report


@transaction.atomic
def submit_report(*, report: Report, by, late_reason: str = "") -> Report:
    require(by, Permission.MANAGE_REPORTS)
    report = _editable(report)
    due = due_date(report.kind, report.period_end)
    late_reason = late_reason.strip()
    if timezone.localdate() > due and not late_reason:
        raise ValidationError({"late_reason": LATE_REASON % {"due": f"{due:%B %-d, %Y}"}})
    # The Chief approves exactly these figures, whatever happens to the data afterwards.
    report.data = build_for(report)
    report.status = S.SUBMITTED
    report.submitted_at = timezone.now()
    report.late_reason = late_reason
    report.submitted_by = by
    report.decided_by = None
    report.decided_at = None
    report.save()
    submitted_for_approval(
        report, what=_report_what(report), permission=Permission.DECIDE_REPORTS, by=by
    )
    return report


def _report_what(report: Report) -> str:
    return f"{report.title}, {report.period_label}"


@transaction.atomic
def return_report(*, report: Report, by, comment: str) -> Report:
    require(by, Permission.DECIDE_REPORTS)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != S.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED)
    if not comment.strip():
        raise ValidationError({"comment": COMMENT_REQUIRED})
    report.status = S.RETURNED
    report.chief_comment = comment.strip()
    report.decided_by = by
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "chief_comment", "decided_by", "decided_at"])
    approval_decided(
        report,
        what=_report_what(report),
        outcome="returned",
        by=by,
        submitter=report.submitted_by or report.created_by,
    )
    return report


@transaction.atomic
def approve_report(*, report: Report, by, comment: str = "") -> Report:
    """The Chief approves; the final PDF (with name and time) is rendered in the background."""
    require(by, Permission.DECIDE_REPORTS)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != S.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED)
    report.status = S.APPROVED
    report.chief_comment = comment.strip()
    report.decided_by = by
    report.decided_at = timezone.now()
    report.save(update_fields=["status", "chief_comment", "decided_by", "decided_at"])
    _enqueue_render(report)
    approval_decided(
        report,
        what=_report_what(report),
        outcome="approved",
        by=by,
        submitter=report.submitted_by or report.created_by,
    )
    return report


@transaction.atomic
def request_render(*, report: Report, by) -> Report:
    """A draft PDF for the CRO to read (watermarked), or a retry of a failed final one."""
    require(by, Permission.VIEW_REPORTS)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status == S.APPROVED and report.pdf_sha256:
        raise ValidationError(APPROVED_IS_FINAL)
    _enqueue_render(report)
    return report


def _enqueue_render(report: Report) -> None:
    from reports.tasks import render_report

    Report.objects.filter(pk=report.pk).update(
        render_state=Report.Render.QUEUED, render_progress=0, render_error=""
    )
    report_id = report.pk
    # After commit: the worker must see the report as this transaction leaves it.
    transaction.on_commit(lambda: render_report.enqueue(report_id))


# --- The community relations plan (001 III.C) ------------------------------------------

PLAN_NOT_EDITABLE = "Only a draft or a returned plan can be changed or submitted."
PLAN_EMPTY = "Write at least one objective, one per line."
PLAN_NOT_SUBMITTED = "Only a plan waiting for the Chief can be approved or returned."


@transaction.atomic
def save_plan(*, year: int, by, objectives_text: str) -> Plan:
    """The CRO records the year's objectives, one per line."""
    require(by, Permission.MANAGE_REPORTS)
    lines = [line.strip() for line in objectives_text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError({"objectives": PLAN_EMPTY})
    plan, _ = Plan.objects.select_for_update().get_or_create(year=year, defaults={"created_by": by})
    if not plan.is_editable:
        raise ValidationError(PLAN_NOT_EDITABLE)
    plan.objectives.all().delete()
    Objective.objects.bulk_create(
        Objective(plan=plan, position=i, text=text[:300]) for i, text in enumerate(lines, 1)
    )
    return plan


@transaction.atomic
def submit_plan(*, plan: Plan, by) -> Plan:
    require(by, Permission.MANAGE_REPORTS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        raise ValidationError(PLAN_NOT_EDITABLE)
    if not plan.objectives.exists():
        raise ValidationError(PLAN_EMPTY)
    plan.status = Plan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.submitted_by = by
    plan.save(update_fields=["status", "submitted_at", "submitted_by"])
    submitted_for_approval(plan, what=str(plan), permission=Permission.DECIDE_REPORTS, by=by)
    return plan


@transaction.atomic
def decide_plan(*, plan: Plan, by, approve: bool, comment: str = "") -> Plan:
    require(by, Permission.DECIDE_REPORTS)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != Plan.Status.SUBMITTED:
        raise ValidationError(PLAN_NOT_SUBMITTED)
    if not approve and not comment.strip():
        raise ValidationError({"comment": COMMENT_REQUIRED})
    plan.status = Plan.Status.APPROVED if approve else Plan.Status.RETURNED
    plan.decided_by, plan.decided_at, plan.chief_comment = by, timezone.now(), comment.strip()
    plan.save(update_fields=["status", "decided_by", "decided_at", "chief_comment"])
    approval_decided(
        plan,
        what=str(plan),
        outcome="approved" if approve else "returned",
        by=by,
        submitter=plan.submitted_by or plan.created_by,
    )
    return plan
