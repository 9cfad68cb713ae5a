"""Writes for programs: the status of each program, and its evaluation (000 V)."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.decisions import NOT_OFFERED, Decider, Decision, Outcome, decide
from core.permissions import Permission, has_permission, require
from notifications.notify import approval_decided, submitted_for_approval
from programs.models import (
    DUE_SOON_DAYS,
    Program,
    ProgramEvaluation,
    next_evaluation_due,
    session_totals,
)

P = Program.Status
E = ProgramEvaluation.Status

WRONG_STATUS = _("A program that is %(current)s cannot be %(action)s.")
COMMENT_REQUIRED = _("Say what should change, so the CRO can revise the evaluation.")
NOT_EDITABLE = _("Only a draft or a returned evaluation can be changed.")
NOT_SUBMITTED = _("Only an evaluation waiting for the Chief can be accepted or returned.")
NOT_PROPOSED = _("Only a proposed program can be approved or declined.")
PERIOD_IN_FUTURE = _("The period cannot end in the future.")
DUPLICATE_PERIOD = _("This program already has an evaluation for that period.")
STATUS_AFTER_DECISION = _(
    "After an evaluation a program can only stay, be suspended or be discontinued."
)


@dataclass(frozen=True)
class Move:
    label: str
    permission: Permission
    sources: frozenset
    target: str


# Each status change, who makes it and from where (proposed → approved → active →
# suspended → discontinued).
MOVES = {
    "approve": Move(_("approved"), Permission.DECIDE_PROGRAMS, frozenset({P.PROPOSED}), P.APPROVED),
    "activate": Move(
        _("activated"), Permission.MANAGE_PROGRAMS, frozenset({P.APPROVED, P.SUSPENDED}), P.ACTIVE
    ),
    "suspend": Move(_("suspended"), Permission.MANAGE_PROGRAMS, frozenset({P.ACTIVE}), P.SUSPENDED),
    "discontinue": Move(
        _("discontinued"),
        Permission.DECIDE_PROGRAMS,
        frozenset({P.PROPOSED, P.APPROVED, P.ACTIVE, P.SUSPENDED}),
        P.DISCONTINUED,
    ),
}


def available_moves(user, program: Program) -> list[str]:
    return [
        name
        for name, move in MOVES.items()
        if program.status in move.sources and has_permission(user, move.permission)
    ]


@transaction.atomic
def propose_program(*, by, form) -> Program:
    require(by, Permission.MANAGE_PROGRAMS)
    program = form.save(commit=False)
    program.proposed_by = by
    program.status = P.PROPOSED
    program.save()
    form.save_m2m()
    submitted_for_approval(
        program,
        what=gettext("program proposal “%(name)s”") % {"name": program.name},
        permission=Permission.DECIDE_PROGRAMS,
        by=by,
    )
    return program


@transaction.atomic
def update_program(*, by, form) -> Program:
    require(by, Permission.MANAGE_PROGRAMS)
    return form.save()


@transaction.atomic
def change_status(*, program: Program, by, move: str) -> Program:
    """approve (Chief), activate, suspend (CRO), discontinue (Chief)."""
    rule = MOVES[move]
    require(by, rule.permission)
    program = Program.objects.select_for_update().get(pk=program.pk)
    was_proposed = program.status == P.PROPOSED
    _apply(program, rule, by)
    if was_proposed:
        approval_decided(
            program,
            what=gettext("program proposal “%(name)s”") % {"name": program.name},
            outcome=gettext("approved") if program.status == P.APPROVED else gettext("declined"),
            by=by,
            submitter=program.proposed_by,
        )
    return program


def _apply(program: Program, rule: Move, by) -> None:
    if program.status not in rule.sources:
        raise ValidationError(
            WRONG_STATUS % {"current": program.get_status_display().lower(), "action": rule.label}
        )
    program.status = rule.target
    fields = ["status"]
    if rule.target == P.APPROVED:
        program.approved_by, program.approved_at = by, timezone.now()
        fields += ["approved_by", "approved_at"]
    if rule.target == P.ACTIVE and program.active_since is None:
        program.active_since = timezone.localdate()
        fields.append("active_since")
    program.save(update_fields=fields)


# --- Evaluation -----------------------------------------------------------------------


def _check_period(evaluation: ProgramEvaluation) -> None:
    if evaluation.period_end > timezone.localdate():
        raise ValidationError({"period_end": PERIOD_IN_FUTURE})
    evaluation.full_clean(exclude=["program", "evaluator"])


def _fill_resources(evaluation: ProgramEvaluation) -> None:
    """Resources used come from the sessions in the period, never from what was typed."""
    totals = session_totals(evaluation.period_sessions())
    evaluation.sessions = totals["sessions"]
    evaluation.attendance = totals["attendance"]
    evaluation.staff_hours = totals["staff_hours"]
    evaluation.materials_cost = totals["materials_cost"]


@transaction.atomic
def start_evaluation(*, program: Program, by, form) -> ProgramEvaluation:
    require(by, Permission.EVALUATE_PROGRAMS)
    evaluation = form.save(commit=False)
    evaluation.program = program
    evaluation.evaluator = by
    evaluation.status = E.DRAFT
    _check_period(evaluation)
    _fill_resources(evaluation)
    try:
        with transaction.atomic():
            evaluation.save()
    except IntegrityError:
        raise ValidationError(DUPLICATE_PERIOD) from None
    return evaluation


@transaction.atomic
def revise_evaluation(*, evaluation: ProgramEvaluation, by, form) -> ProgramEvaluation:
    require(by, Permission.EVALUATE_PROGRAMS)
    if ProgramEvaluation.objects.get(pk=evaluation.pk).status not in (E.DRAFT, E.RETURNED):
        raise ValidationError(NOT_EDITABLE)
    evaluation = form.save(commit=False)
    _check_period(evaluation)
    _fill_resources(evaluation)
    evaluation.save()
    return evaluation


@transaction.atomic
def submit_evaluation(*, evaluation: ProgramEvaluation, by) -> ProgramEvaluation:
    require(by, Permission.EVALUATE_PROGRAMS)
    evaluation = ProgramEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.status not in (E.DRAFT, E.RETURNED):
        raise ValidationError(NOT_EDITABLE)
    _fill_resources(evaluation)  # the sessions may have changed since the draft
    evaluation.status = E.SUBMITTED
    evaluation.submitted_at = timezone.now()
    evaluation.submitted_by = by
    evaluation.decided_by = None
    evaluation.decided_at = None
    evaluation.save()
    submitted_for_approval(
        evaluation,
        what=gettext("evaluation of %(name)s") % {"name": evaluation.program.name},
        permission=Permission.DECIDE_PROGRAMS,
        by=by,
    )
    return evaluation


# The Chief accepts the evaluation (and may suspend or discontinue the program) or returns
# it with comments (000 V, 003 1.a.8).
EVALUATION_DECIDER = Decider(
    permission=Permission.DECIDE_PROGRAMS,
    submitted=E.SUBMITTED,
    not_submitted=NOT_SUBMITTED,
    comment_required=COMMENT_REQUIRED,
    outcomes={
        Decision.APPROVE: Outcome(E.ACCEPTED, _("accepted"), label=_("Accept")),
        Decision.RETURN: Outcome(E.RETURNED, _("returned"), needs_comment=True),
    },
)


@transaction.atomic
def decide_evaluation(
    *,
    evaluation: ProgramEvaluation,
    by,
    decision,
    comment: str = "",
    program_move: str = "",
) -> ProgramEvaluation:
    evaluation = ProgramEvaluation.objects.select_for_update().get(pk=evaluation.pk)
    if program_move and (
        decision != Decision.APPROVE or program_move not in ("suspend", "discontinue")
    ):
        raise ValidationError(STATUS_AFTER_DECISION)
    outcome = decide(evaluation, EVALUATION_DECIDER, by=by, decision=decision, comment=comment)
    approval_decided(
        evaluation,
        what=gettext("evaluation of %(name)s") % {"name": evaluation.program.name},
        outcome=str(outcome.said),
        by=by,
        submitter=evaluation.submitted_by or evaluation.evaluator,
    )
    if program_move:
        program = Program.objects.select_for_update().get(pk=evaluation.program_id)
        # The Chief decides here for the unit: the move's own permission is not asked again.
        _apply(program, MOVES[program_move], by)
    return evaluation


# A proposal is approved or declined (discontinued) by the program's own moves.
PROPOSAL_MOVES = {Decision.APPROVE: "approve", Decision.DECLINE: "discontinue"}


@transaction.atomic
def decide_proposal(*, program: Program, by, decision) -> Program:
    """The Chief's decision on a proposed program, with the verbs of every decision."""
    if decision not in PROPOSAL_MOVES:
        raise ValidationError(NOT_OFFERED)
    # Read under the lock change_status takes too: the inbox's "decline" must not
    # discontinue a program that became active meanwhile.
    if Program.objects.select_for_update().get(pk=program.pk).status != P.PROPOSED:
        raise ValidationError(NOT_PROPOSED)
    return change_status(program=program, by=by, move=PROPOSAL_MOVES[decision])


# --- The schedule (003 1.a.8) ---------------------------------------------------------


def evaluation_dates(today: dt.date | None = None) -> list[dict]:
    """Every active program, most urgent first: its pk, the end of its last accepted
    evaluation's period, when the next one is due (None before it has a start) and whether
    that is overdue or soon. Plain values in one query: the dashboard counts and names a
    few of a large department's 200 programs without building them all (issue 26)."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows = []
    for pk, since, last in (
        Program.objects.filter(status=P.ACTIVE)
        .annotate(
            last_evaluated=Max("evaluations__period_end", filter=Q(evaluations__status=E.ACCEPTED))
        )
        .values_list("pk", "active_since", "last_evaluated")
        # Said here: Django leaves a model's ordering out of a grouped query.
        .order_by("name", "pk")
    ):
        due = next_evaluation_due(since, last)
        rows.append(
            {
                "pk": pk,
                "last_evaluated": last,
                "due": due,
                "overdue": due is not None and due < today,
                "due_soon": due is not None and today <= due <= soon,
            }
        )
    # By name where due the same day (the sort keeps the query's order); no date last.
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or today))
    return rows


def with_programs(rows: list[dict]) -> list[dict]:
    """Rows of evaluation_dates with each program itself ("program"), its coordinator read
    with it, in one query."""
    programs = Program.objects.select_related("coordinator").in_bulk([r["pk"] for r in rows])
    return [{**r, "program": programs[r["pk"]]} for r in rows if r["pk"] in programs]


def evaluation_schedule(today: dt.date | None = None) -> list[dict]:
    """Every active program with the date its next evaluation is due, most urgent first."""
    return with_programs([r for r in evaluation_dates(today) if r["due"] is not None])
