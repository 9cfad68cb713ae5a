"""The report lifecycle: generate a draft, write the narratives, submit (the figures are
frozen), the Chief returns or approves (the final PDF is rendered once and hashed)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.conflicts import EditConflict, changed_since, fingerprint, shown_value, still_as_shown
from core.decisions import DECIDED_FIELDS, Decider, Decision, Outcome, decide
from core.permissions import Permission, require
from notifications.notify import approval_decided, submitted_for_approval
from reports.builders import build_for, narrative_fields
from reports.models import HitKind, Objective, Plan, Report, ReportListing, ScreeningAcceptance
from reports.periods import due_date, period_containing
from reports.public import render_spanish_pdf
from reports.screening import screen_report, uncleared
from reports.tasks import render_report
from surveys.models import Survey

S = Report.Status

NOT_EDITABLE = _("Only a draft or a returned report can be changed or submitted.")
NOT_SUBMITTED = _("Only a report waiting for the Chief can be approved or returned.")
LATE_REASON = _("This report is past its due date (%(due)s): say why it is late.")
COMMENT_REQUIRED = _("Say what should change, so the CRO can revise the report.")
FUTURE_PERIOD = _("A report can be generated only for a period that has begun.")
PERIOD_NOT_ENDED = _(
    "The period runs until %(end)s: the report can be submitted from the day after, when "
    "its figures are final."
)
YEAR_NOT_ENDED = _(
    "%(year)s has not ended: its transparency report is published, and so approved, from "
    "%(day)s, when its figures are final."
)
NARRATIVE_NOT_CLEARED = _(
    "The public narrative still holds what may not be published (General Order 002 "
    "§300.8): %(hits)s. Take each one out of the text, or accept it with a reason in "
    "“Screening of the public narrative”."
)
NOT_A_HIT = _(
    "The screening no longer finds that text in the public narrative: there is nothing to "
    "accept. Reload the page."
)
ALREADY_ACCEPTED = _("That text was already accepted.")
REASON_REQUIRED = _("Say why this may be published.")
NOT_TRANSPARENCY = _("Only a transparency report's public narrative is screened.")
APPROVED_IS_FINAL = _("An approved report's file is final and is never rendered again.")
SPANISH_IS_FINAL = _("The Spanish PDF is final and is never rendered again.")
NOT_PUBLISHED = _("Only an approved transparency report has a Spanish PDF.")
ALREADY_RENDERING = _("The PDF is already being rendered. This page shows its progress.")
NARRATIVES_CHANGED = _(
    "The narratives were saved again after you opened this report{by}, so yours were not "
    "saved. What you typed is still in the form below."
)
REPORT_CHANGED = _(
    "This report was changed after you opened it{by}, so nothing was done. It is now: "
    "{status}. What you typed is still below."
)
NOW_STORED = _("{label} now reads: “{value}”")
SAVE_AGAIN = _("Check what changed, then save again to keep your version.")
READ_AGAIN = _("Read the report as it is now before you send it again.")


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


NO_RESULTS = _("A summary can be written once the Chief has approved the survey and it has opened.")


@transaction.atomic
def generate_survey_summary(*, survey, by) -> Report:
    """The written summary of a survey's compiled results for the Chief (002 300.5): a
    report like the others, through the same narratives, submission and approval."""

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


def narrative_headings(report: Report) -> dict:
    """Each narrative box of the report, by key: its heading."""
    return dict(narrative_fields(report.kind, report.data or build_for(report)))


def narratives_seen(report: Report, keys) -> str:
    """The fingerprint of the narratives a form shows (see core.conflicts.fingerprint)."""
    return fingerprint({key: report.narratives.get(key, "") for key in keys})


@transaction.atomic
def save_narratives(
    *, report: Report, by, narratives: dict, revision: int | None = None, seen: str = ""
) -> Report:
    """The CRO's text. With `revision` (and `seen`), what the form was shown: a save over
    narratives someone else saved since is refused, and names the sections they changed.
    Sending the same form twice saves it once."""
    require(by, Permission.MANAGE_REPORTS)
    report = _editable(report)
    headings = narrative_headings(report)
    sent = {k: v.strip() for k, v in narratives.items() if k in headings}
    if all(report.narratives.get(k, "") == v for k, v in sent.items()) and set(sent) == set(
        report.narratives
    ):
        return report  # nothing to write: a second send of a saved form
    if revision is not None and report.revision != revision:
        stored = {key: report.narratives.get(key, "") for key in sent}
        others = (
            changed_since(seen, stored)
            if seen
            else [key for key, value in stored.items() if value != sent[key]]
        )
        if others:
            raise _narratives_conflict(report, headings, others, sent)
        # Only a step moved on (returned, say): no narrative is overwritten.
    # Conditional on the revision read under the lock: of two saves, one is applied.
    updated = Report.objects.filter(pk=report.pk, revision=report.revision).update(
        narratives=sent, revision=F("revision") + 1, revised_by=by, revised_at=timezone.now()
    )
    if not updated:
        report.refresh_from_db()
        raise _narratives_conflict(report, headings, list(sent), sent)
    report.refresh_from_db()
    return report


def _changed_by(report: Report) -> str:
    if report.revised_at is None:
        return ""
    when = timezone.localtime(report.revised_at)
    moment = {"date": date_format(when, "F j, Y"), "time": date_format(when, "H:i")}
    if report.revised_by_id:
        return gettext(" (by %(name)s on %(date)s at %(time)s)") % {
            "name": report.revised_by.display_name,
            **moment,
        }
    return gettext(" (on %(date)s at %(time)s)") % moment


def _narratives_conflict(report, headings, keys, sent) -> EditConflict:
    lines = [NARRATIVES_CHANGED.format(by=_changed_by(report))]
    lines += [
        NOW_STORED.format(label=headings[key], value=shown_value(report.narratives.get(key, "")))
        for key in keys
    ]
    lines.append(SAVE_AGAIN)
    return EditConflict(lines, revision=report.revision, seen=narratives_seen(report, sent))


def _still_as_shown(report: Report, revision: int | None) -> None:
    """A submission or a decision from a page that showed an older revision is refused:
    the Chief approves what the Chief read, the CRO submits what the CRO read."""
    still_as_shown(report, revision, lambda: _report_conflict(report))


def _report_conflict(report: Report) -> EditConflict:
    status = report.get_status_display()
    return EditConflict(
        [REPORT_CHANGED.format(by=_changed_by(report), status=status), READ_AGAIN],
        revision=report.revision,
        seen="",
    )


def _revised(report: Report, by) -> list[str]:
    """Mark a step's save as a new revision (the row is locked); the fields to save."""
    report.revision += 1
    report.revised_by = by
    report.revised_at = timezone.now()
    return ["revision", "revised_by", "revised_at"]


@transaction.atomic
def submit_report(
    *, report: Report, by, late_reason: str = "", revision: int | None = None
) -> Report:
    require(by, Permission.MANAGE_REPORTS)
    report = _editable(report)
    _still_as_shown(report, revision)
    # The Chief signs figures that can no longer change: a December report is not submitted
    # on December 3 (a survey's summary follows its own survey, not a calendar period).
    if report.kind != Report.Kind.SURVEY and report.period_end >= timezone.localdate():
        raise ValidationError(PERIOD_NOT_ENDED % {"end": date_format(report.period_end, "F j, Y")})
    _require_screened(report)
    due = due_date(report.kind, report.period_end)
    late_reason = late_reason.strip()
    if timezone.localdate() > due and not late_reason:
        raise ValidationError({"late_reason": LATE_REASON % {"due": date_format(due, "F j, Y")}})
    # The Chief approves exactly these figures, whatever happens to the data afterwards;
    # the lines of a long listing are frozen beside them (reports.builders._listings).
    lines = {}
    report.data = build_for(report, lines)
    report.status = S.SUBMITTED
    report.submitted_at = timezone.now()
    report.late_reason = late_reason
    report.submitted_by = by
    report.decided_by = None
    report.decided_at = None
    # Named fields: a render in progress keeps writing its own state meanwhile.
    report.save(
        update_fields=[
            "data",
            "status",
            "submitted_at",
            "late_reason",
            "submitted_by",
            "decided_by",
            "decided_at",
            *_revised(report, by),
        ]
    )
    ReportListing.objects.filter(report=report).delete()
    for key, text in lines.items():  # one insert each: a bulk insert quotes them as arrays
        ReportListing.objects.create(report=report, key=key, lines=text)
    submitted_for_approval(
        report, what=_report_what(report), permission=Permission.DECIDE_REPORTS, by=by
    )
    return report


# --- Publication of the transparency report (002 300.8) -------------------------------


def _require_screened(report: Report) -> None:
    """A transparency report goes to the Chief, and to the public, only once every hit of
    the screening of its public narrative is taken out or accepted with a reason."""
    hits = uncleared(report) if report.kind == Report.Kind.TRANSPARENCY else []
    if hits:
        listed = dict.fromkeys(f"“{hit.text}” ({hit.kind_label})" for hit in hits)
        raise ValidationError(NARRATIVE_NOT_CLEARED % {"hits": "; ".join(listed)})


def _require_publishable(report: Report) -> None:
    """Approving a transparency report publishes it: its year must have ended (the figures
    of a running year are not final) and its narrative must be cleared, whenever and
    however it was submitted."""
    if report.period_end >= timezone.localdate():
        day = report.period_end + dt.timedelta(days=1)
        raise ValidationError(
            YEAR_NOT_ENDED % {"year": report.period_start.year, "day": date_format(day, "F j, Y")}
        )
    _require_screened(report)


@transaction.atomic
def accept_screening_hit(*, report: Report, by, kind: str, text: str, reason: str):
    """The CRO keeps a hit of the screening in the public narrative, saying why (a street
    named after a person, the department's own program line). It clears that kind and
    exact text on this report only; the row's insert is in the audit trail."""
    require(by, Permission.MANAGE_REPORTS)
    report = _editable(report)
    if report.kind != Report.Kind.TRANSPARENCY:
        raise ValidationError(NOT_TRANSPARENCY)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    hits = {(hit.kind, hit.text): hit for hit in screen_report(report)}
    hit = hits.get((kind, text))
    if hit is None or kind not in HitKind.values:
        raise ValidationError(NOT_A_HIT)
    if hit.accepted:
        raise ValidationError(ALREADY_ACCEPTED)
    return ScreeningAcceptance.objects.create(
        report=report, kind=kind, text=text, reason=reason, by=by, at=timezone.now()
    )


def _report_what(report: Report) -> str:
    return f"{report.title}, {report.period_label}"


# The Chief approves (the final PDF, with name and time, is rendered in the background) or
# returns the report with what should change (001 IV.A, 003 1.a.8).
REPORT_DECIDER = Decider(
    permission=Permission.DECIDE_REPORTS,
    submitted=S.SUBMITTED,
    not_submitted=NOT_SUBMITTED,
    comment_required=COMMENT_REQUIRED,
    outcomes={
        Decision.APPROVE: Outcome(S.APPROVED, _("approved")),
        Decision.RETURN: Outcome(S.RETURNED, _("returned"), needs_comment=True),
    },
)


@transaction.atomic
def decide_report(
    *, report: Report, by, decision, comment: str = "", revision: int | None = None
) -> Report:
    require(by, Permission.DECIDE_REPORTS)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != S.SUBMITTED:
        raise ValidationError(NOT_SUBMITTED)
    _still_as_shown(report, revision)
    if decision == Decision.APPROVE and report.kind == Report.Kind.TRANSPARENCY:
        _require_publishable(report)
    outcome = decide(report, REPORT_DECIDER, by=by, decision=decision, comment=comment, save=False)
    report.save(update_fields=[*DECIDED_FIELDS, *_revised(report, by)])
    if report.status == S.APPROVED:
        _enqueue_render(report)
        if report.kind == Report.Kind.TRANSPARENCY:
            _enqueue_spanish_render(report)
    approval_decided(
        report,
        what=_report_what(report),
        outcome=str(outcome.said),
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
    if report.is_rendering:
        # A second click; a render that stopped (interrupted, or waiting on a worker that
        # is not running) may be asked for again.
        raise ValidationError(ALREADY_RENDERING)
    _enqueue_render(report)
    return report


@transaction.atomic
def request_spanish_pdf(*, report: Report, by) -> Report:
    """The Spanish file of an approved transparency report again, when its render after
    the approval did not finish (reports.public)."""
    require(by, Permission.VIEW_REPORTS)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.kind != Report.Kind.TRANSPARENCY or report.status != S.APPROVED:
        raise ValidationError(NOT_PUBLISHED)
    if report.pdf_es_sha256:
        raise ValidationError(SPANISH_IS_FINAL)
    _enqueue_spanish_render(report)
    return report


def _enqueue_spanish_render(report: Report) -> None:
    report_id = report.pk
    transaction.on_commit(lambda: render_spanish_pdf.enqueue(report_id))


def _enqueue_render(report: Report) -> None:

    Report.objects.filter(pk=report.pk).update(
        render_state=Report.Render.QUEUED,
        render_progress=0,
        render_error="",
        render_started_at=timezone.now(),
    )
    report_id = report.pk
    # After commit: the worker must see the report as this transaction leaves it.
    transaction.on_commit(lambda: render_report.enqueue(report_id))


# --- The community relations plan (001 III.C) ------------------------------------------

PLAN_NOT_EDITABLE = _("Only a draft or a returned plan can be changed or submitted.")
PLAN_EMPTY = _("Write at least one objective, one per line.")
PLAN_NOT_SUBMITTED = _("Only a plan waiting for the Chief can be approved or returned.")


@transaction.atomic
def save_plan(*, year: int, by, objectives_text: str) -> Plan:
    """The CRO records the year's objectives, one per line."""
    require(by, Permission.MANAGE_REPORTS)
    lines = [line.strip() for line in objectives_text.splitlines() if line.strip()]
    if not lines:
        raise ValidationError({"objectives": PLAN_EMPTY})
    plan, _created = Plan.objects.select_for_update().get_or_create(
        year=year, defaults={"created_by": by}
    )
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


PLAN_DECIDER = Decider(
    permission=Permission.DECIDE_REPORTS,
    submitted=Plan.Status.SUBMITTED,
    not_submitted=PLAN_NOT_SUBMITTED,
    comment_required=COMMENT_REQUIRED,
    outcomes={
        Decision.APPROVE: Outcome(Plan.Status.APPROVED, _("approved")),
        Decision.RETURN: Outcome(Plan.Status.RETURNED, _("returned"), needs_comment=True),
    },
)


@transaction.atomic
def decide_plan(*, plan: Plan, by, decision, comment: str = "") -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    outcome = decide(plan, PLAN_DECIDER, by=by, decision=decision, comment=comment)
    approval_decided(
        plan,
        what=str(plan),
        outcome=str(outcome.said),
        by=by,
        submitter=plan.submitted_by or plan.created_by,
    )
    return plan
