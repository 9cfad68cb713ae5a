"""Program proposals and evaluations waiting for the Chief, for the inbox
(core.decisions.INBOX)."""

from django.shortcuts import get_object_or_404
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _

from core.decisions import LIMIT, Decision, InboxKind, Item, buttons
from core.prepared import Prepared
from programs import services
from programs.models import Program, ProgramEvaluation

# Asked on every view of the inbox: compiled once (core/prepared.py).
PROPOSED = Prepared(
    lambda: Program.objects.filter(status=Program.Status.PROPOSED).select_related("proposed_by")[
        :LIMIT
    ]
)
SUBMITTED = Prepared(
    lambda: ProgramEvaluation.objects.filter(
        status=ProgramEvaluation.Status.SUBMITTED
    ).select_related("program", "evaluator")[:LIMIT]
)


def proposals() -> list[Item]:
    return [
        Item(
            "program",
            _("Program proposal"),
            p.pk,
            p.name,
            p.get_absolute_url(),
            p.proposed_by.display_name,
            p.created_at,
            [
                (Decision.APPROVE.value, Decision.APPROVE.label, False),
                (Decision.DECLINE.value, Decision.DECLINE.label, False),
            ],
        )
        for p in PROPOSED.instances()
    ]


def decide_proposal(pk, *, by, decision, comment="", revision=None):
    program = get_object_or_404(Program, pk=pk)
    return services.decide_proposal(program=program, by=by, decision=decision)


def evaluations() -> list[Item]:
    return [
        Item(
            "evaluation",
            _("Program evaluation"),
            e.pk,
            f"{e.program.name}, {date_format(e.period_start, 'M j, Y')} – "
            f"{date_format(e.period_end, 'M j, Y')}",
            e.get_absolute_url(),
            e.evaluator.display_name if e.evaluator else "",
            e.submitted_at or e.created_at,
            buttons(services.EVALUATION_DECIDER),
        )
        for e in SUBMITTED.instances()
    ]


def decide_evaluation(pk, *, by, decision, comment="", revision=None):
    evaluation = get_object_or_404(ProgramEvaluation, pk=pk)
    return services.decide_evaluation(
        evaluation=evaluation, by=by, decision=decision, comment=comment
    )


KINDS = [
    InboxKind("program", proposals, decide_proposal),
    InboxKind("evaluation", evaluations, decide_evaluation),
]
