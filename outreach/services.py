"""Writes for outreach: organizations, activities, participants, materials, training needs,
recognition and the community input reports officers owe the CRO."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.decisions import Decider, Decision, Outcome, decide
from core.permissions import Permission, has_permission, require
from core.roles import Role
from notifications.notify import approval_decided, holders, notify, submitted_for_approval
from outreach.models import (
    CommunityInputReport,
    CommunityOrganization,
    Material,
    MaterialDistribution,
    OutreachActivity,
    Participant,
    Recognition,
    ReportingAssignment,
    TrainingNeed,
)

FUTURE_DATE = _("The date cannot be in the future.")
NOT_DRAFT = _("Only a draft or a rejected material can be submitted to the Chief.")
NOT_SUBMITTED = _("Only a material waiting for the Chief can be approved or rejected.")
NOT_APPROVED = _("Material can be handed out only after the Chief has approved it (000 III.9).")
NO_DESIGN = _("Upload the design before submitting it to the Chief.")
COMMENT_REQUIRED = _("Say why, so the CRO knows what to change.")
MORE_THAN_STOCK = _("That is more than is left: %(left)d.")
TRAINING_NOT_IDENTIFIED = _("Only a newly identified need can be forwarded.")
TRAINING_NOT_FORWARDED = _("Only a forwarded need can be scheduled.")
TRAINING_NOT_SCHEDULED = _("Only a scheduled training can be marked delivered.")
DELIVERED_BEFORE_FORWARDED = _("Delivery cannot come before the need was forwarded.")
NO_OFFICERS = _("Name at least one officer who took part.")
HELD_IN_FUTURE = _(
    "A held activity cannot be dated in the future. To plan one ahead, choose “Scheduled”."
)
PATROL_TIMES = _("Give the time the foot patrol began and the time it ended.")
PATROL_SAME_TIMES = _("The end time must differ from the start time.")
NOTICE_MISSING = _(
    "This foot patrol is missing: %(missing)s. Tick what was done, or tick “Save anyway” "
    "and say why."
)
NOT_READY_TO_TAKE_PART = _("This person cannot be marked as having taken part: %(problems)s.")
NOT_HAPPENED_YET = _("The event has not happened yet: mark who took part on or after its date.")


# --- Organizations --------------------------------------------------------------------


@transaction.atomic
def save_organization(*, by, form) -> CommunityOrganization:
    require(by, Permission.MANAGE_ORGANIZATIONS)
    return form.save()


# --- Activities -----------------------------------------------------------------------


def date_problem(*, status, date):
    """Only a scheduled event may be dated ahead (002 §300.7: register and clear people
    before it); what took place cannot be in the future. The form asks it too, so every
    error of a submission shows at once."""
    if status == OutreachActivity.Status.HELD and date and date > timezone.localdate():
        return HELD_IN_FUTURE
    return None


def _check_activity(activity: OutreachActivity) -> None:
    """The rules every door applies before an activity is saved."""
    errors = {}
    if problem := date_problem(status=activity.status, date=activity.date):
        errors["date"] = problem
    if activity.kind == OutreachActivity.Kind.FOOT_PATROL:
        # 002 §300.3(d): when it began and ended, and who was told.
        if activity.start_time is None:
            errors["start_time"] = PATROL_TIMES
        if activity.end_time is None:
            errors["end_time"] = PATROL_TIMES
        elif activity.start_time == activity.end_time:
            errors["end_time"] = PATROL_SAME_TIMES
        if activity.notified_supervisor_id:
            activity.supervisor_notified = True
        missing = activity.missing_notices()
        if not missing:
            activity.notice_note = ""
        elif not activity.notice_note.strip():
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    NOTICE_MISSING, code="notice_missing", params={"missing": "; ".join(missing)}
                )
            )
    else:
        # Only a foot patrol tells the supervisor and dispatch; another kind keeps no flags.
        activity.supervisor_notified = False
        activity.notified_supervisor = None
        activity.dispatch_notified_start = activity.dispatch_notified_end = False
        activity.notice_note = ""
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def log_activity(*, by, data: dict, officers) -> OutreachActivity:
    """An officer records outreach they did, or the CRO plans an event ahead (status
    scheduled); the one logging is among its officers by default."""
    require(by, Permission.LOG_ACTIVITY)
    activity = OutreachActivity(logged_by=by, **data)
    _check_activity(activity)
    activity.save()
    people = list(officers) or [by]
    activity.officers.set(people)
    return activity


@transaction.atomic
def update_activity(*, activity: OutreachActivity, by, data: dict, officers) -> OutreachActivity:
    """Also how a scheduled event is recorded as held, once its date has come."""
    require(by, Permission.EDIT_ACTIVITY, activity=activity)
    people = list(officers)
    if not people:
        raise ValidationError({"officers": NO_OFFICERS})
    for field, value in data.items():
        setattr(activity, field, value)
    _check_activity(activity)
    activity.save()
    activity.officers.set(people)
    return activity


# --- Participants (002 300.7) ---------------------------------------------------------


@transaction.atomic
def save_participant(*, by, form, activity: OutreachActivity) -> Participant:
    require(by, Permission.MANAGE_PARTICIPANTS)
    participant = form.save(commit=False)
    participant.activity = activity
    if participant.waiver_signed_on and participant.waiver_signed_on > timezone.localdate():
        raise ValidationError({"waiver_signed_on": FUTURE_DATE})
    if participant.attended:
        # 002 §300.7: the waiver completed "before participation", and a criminal-history
        # check "before approval for participation": whoever lacks either has not taken part.
        problems = participant.problems()
        if problems:
            raise ValidationError(
                {
                    "attended": ValidationError(
                        NOT_READY_TO_TAKE_PART, params={"problems": "; ".join(problems)}
                    )
                }
            )
        if activity.date > timezone.localdate():
            raise ValidationError({"attended": NOT_HAPPENED_YET})
    participant.full_clean()
    participant.save()
    return participant


@transaction.atomic
def remove_participant(*, by, participant: Participant) -> None:
    require(by, Permission.MANAGE_PARTICIPANTS)
    participant.delete()


# --- Give-away materials (000 III.9) --------------------------------------------------


@transaction.atomic
def save_material(*, by, form) -> Material:
    require(by, Permission.MANAGE_MATERIALS)
    material = form.save(commit=False)
    if material.pk is None:
        material.created_by = by
    if material.status == Material.Status.APPROVED and form.has_changed():
        # A changed design needs the Chief's eye again.
        material.status = Material.Status.DRAFT
        material.decided_by = None
        material.decided_at = None
    material.design_type = getattr(form, "design_type", material.design_type)
    material.save()
    return material


def _locked_material(material: Material) -> Material:
    return Material.objects.select_for_update().get(pk=material.pk)


@transaction.atomic
def submit_material(*, material: Material, by) -> Material:
    require(by, Permission.MANAGE_MATERIALS)
    material = _locked_material(material)
    if material.status not in (Material.Status.DRAFT, Material.Status.REJECTED):
        raise ValidationError(NOT_DRAFT)
    if not material.design:
        raise ValidationError(NO_DESIGN)
    material.status = Material.Status.SUBMITTED
    material.submitted_at = timezone.now()
    material.submitted_by = by
    material.decided_by = None
    material.decided_at = None
    material.save(
        update_fields=["status", "submitted_at", "submitted_by", "decided_by", "decided_at"]
    )
    submitted_for_approval(
        material,
        what=gettext("give-away material “%(name)s”") % {"name": material.name},
        permission=Permission.DECIDE_MATERIALS,
        by=by,
    )
    return material


# The Chief approves the design, or rejects it saying why (000 III.9).
MATERIAL_DECIDER = Decider(
    permission=Permission.DECIDE_MATERIALS,
    submitted=Material.Status.SUBMITTED,
    not_submitted=NOT_SUBMITTED,
    comment_required=COMMENT_REQUIRED,
    outcomes={
        Decision.APPROVE: Outcome(Material.Status.APPROVED, _("approved")),
        Decision.RETURN: Outcome(
            Material.Status.REJECTED, _("rejected"), needs_comment=True, label=_("Reject")
        ),
    },
)


@transaction.atomic
def decide_material(*, material: Material, by, decision, comment: str = "") -> Material:
    material = _locked_material(material)
    outcome = decide(material, MATERIAL_DECIDER, by=by, decision=decision, comment=comment)
    approval_decided(
        material,
        what=gettext("give-away material “%(name)s”") % {"name": material.name},
        outcome=str(outcome.said),
        by=by,
        submitter=material.submitted_by or material.created_by,
    )
    return material


@transaction.atomic
def record_distribution(
    *, material: Material, by, date: dt.date, quantity: int, activity=None
) -> MaterialDistribution:
    require(by, Permission.MANAGE_MATERIALS)
    material = _locked_material(material)
    if material.status != Material.Status.APPROVED:
        raise ValidationError(NOT_APPROVED)
    if date > timezone.localdate():
        raise ValidationError({"date": FUTURE_DATE})
    left = material.quantity - material.distributed()
    if quantity > left:
        raise ValidationError({"quantity": MORE_THAN_STOCK % {"left": left}})
    return MaterialDistribution.objects.create(
        material=material, date=date, quantity=quantity, activity=activity, recorded_by=by
    )


# --- Training needs -------------------------------------------------------------------


@transaction.atomic
def record_training_need(*, by, form) -> TrainingNeed:
    require(by, Permission.RECORD_TRAINING_NEED)
    need = form.save(commit=False)
    need.identified_by = by
    need.save()
    return need


def _locked_need(need):
    return TrainingNeed.objects.select_for_update().get(pk=need.pk)


@transaction.atomic
def forward_training_need(*, need: TrainingNeed, by) -> TrainingNeed:
    """To the Training Officer (000 III.7, 001 III.C.7)."""
    require(by, Permission.FORWARD_TRAINING_NEED)
    need = _locked_need(need)
    if need.status != TrainingNeed.Status.IDENTIFIED:
        raise ValidationError(TRAINING_NOT_IDENTIFIED)
    need.status = TrainingNeed.Status.FORWARDED
    need.forwarded_at = timezone.now()
    need.save(update_fields=["status", "forwarded_at"])
    notify(
        "training_forwarded",
        holders(Role.TRAINING_OFFICER),
        title=gettext("Training need forwarded by %(name)s: %(need)s")
        % {"name": by.display_name, "need": need},
        url=reverse("outreach:training"),
        by=by,
    )
    return need


@transaction.atomic
def schedule_training(
    *, need: TrainingNeed, by, scheduled_for: dt.date, notes: str = ""
) -> TrainingNeed:
    require(by, Permission.SCHEDULE_TRAINING)
    need = _locked_need(need)
    if need.status not in (TrainingNeed.Status.FORWARDED, TrainingNeed.Status.SCHEDULED):
        raise ValidationError(TRAINING_NOT_FORWARDED)
    need.status = TrainingNeed.Status.SCHEDULED
    need.scheduled_for = scheduled_for
    if notes.strip():
        need.training_notes = notes.strip()
    need.save(update_fields=["status", "scheduled_for", "training_notes"])
    return need


@transaction.atomic
def mark_training_delivered(
    *, need: TrainingNeed, by, delivered_on: dt.date, notes: str = ""
) -> TrainingNeed:
    require(by, Permission.SCHEDULE_TRAINING)
    need = _locked_need(need)
    if need.status != TrainingNeed.Status.SCHEDULED:
        raise ValidationError(TRAINING_NOT_SCHEDULED)
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": FUTURE_DATE})
    if need.forwarded_at and delivered_on < timezone.localtime(need.forwarded_at).date():
        raise ValidationError({"delivered_on": DELIVERED_BEFORE_FORWARDED})
    need.status = TrainingNeed.Status.DELIVERED
    need.delivered_on = delivered_on
    if notes.strip():
        need.training_notes = notes.strip()
    need.save(update_fields=["status", "delivered_on", "training_notes"])
    return need


# --- Recognition ----------------------------------------------------------------------


@transaction.atomic
def recognize(*, by, form) -> Recognition:
    require(by, Permission.RECOGNIZE)
    recognition = form.save(commit=False)
    recognition.recognized_by = by
    if recognition.date > timezone.localdate():
        raise ValidationError({"date": FUTURE_DATE})
    recognition.full_clean()
    recognition.save()
    return recognition


# --- Community input to the CRO (003 1.b; when it is due: outreach/input_due.py) ------


@transaction.atomic
def save_assignment(*, by, form) -> ReportingAssignment:
    require(by, Permission.MANAGE_ORGANIZATIONS)
    return form.save()


@transaction.atomic
def submit_community_input(
    *, by, assignment: ReportingAssignment, data: dict
) -> CommunityInputReport:
    if not has_permission(by, Permission.SUBMIT_COMMUNITY_INPUT, assignment=assignment):
        raise PermissionDenied(gettext("Only the officer holding this duty reports for it."))
    return CommunityInputReport.objects.create(
        assignment=assignment, submitted_on=timezone.localdate(), **data
    )
