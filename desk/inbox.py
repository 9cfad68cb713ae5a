"""Everything waiting for the Chief (or a designee) in one list, oldest first, and the one
place a decision from the list is dispatched to its own service function."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import services as outreach_services
from outreach.models import Material
from programs import services as program_services
from programs.models import Program, ProgramEvaluation
from reports import services as report_services
from reports.models import Plan, Recommendation, Report
from reports.recommendations import decide_recommendation
from surveys import services as survey_services
from surveys.models import Survey

LIMIT = 200  # per kind: a backlog larger than this is a conversation, not a list


@dataclass
class Item:
    kind: str
    kind_label: str
    pk: int
    title: str
    url: str
    by: str
    since: dt.datetime
    decisions: list = field(default_factory=list)  # [(decision, label, needs_comment)]
    # A report's revision as listed: a decision on a report changed since is refused.
    revision: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}"

    def waited_days(self, now) -> int:
        return max((now - self.since).days, 0)


APPROVE_RETURN = [
    ("approve", gettext_lazy("Approve"), False),
    ("return", gettext_lazy("Return"), True),
]


def waiting_items() -> list[Item]:
    """One query per kind of record, whatever is waiting."""

    items: list[Item] = []
    for r in Report.objects.filter(status=Report.Status.SUBMITTED).select_related(
        "created_by", "survey"
    )[:LIMIT]:
        items.append(
            Item(
                "report",
                _("Report"),
                r.pk,
                f"{r.title}, {r.period_label}",
                r.get_absolute_url(),
                r.created_by.display_name,
                r.submitted_at,
                APPROVE_RETURN,
                revision=r.revision,
            )
        )
    for m in Material.objects.filter(status=Material.Status.SUBMITTED).select_related("created_by")[
        :LIMIT
    ]:
        items.append(
            Item(
                "material",
                _("Give-away material"),
                m.pk,
                m.name,
                m.get_absolute_url(),
                m.created_by.display_name,
                m.submitted_at or m.created_at,
                [("approve", _("Approve"), False), ("return", _("Reject"), True)],
            )
        )
    for s in Survey.objects.filter(status=Survey.Status.SUBMITTED).select_related("created_by")[
        :LIMIT
    ]:
        items.append(
            Item(
                "survey",
                _("Survey questions"),
                s.pk,
                s.title,
                s.get_absolute_url(),
                s.created_by.display_name,
                s.submitted_at,
                APPROVE_RETURN,
            )
        )
    for p in Program.objects.filter(status=Program.Status.PROPOSED).select_related("proposed_by")[
        :LIMIT
    ]:
        items.append(
            Item(
                "program",
                _("Program proposal"),
                p.pk,
                p.name,
                p.get_absolute_url(),
                p.proposed_by.display_name,
                p.created_at,
                [("approve", _("Approve"), False), ("return", _("Decline"), False)],
            )
        )
    for e in ProgramEvaluation.objects.filter(
        status=ProgramEvaluation.Status.SUBMITTED
    ).select_related("program", "evaluator")[:LIMIT]:
        items.append(
            Item(
                "evaluation",
                _("Program evaluation"),
                e.pk,
                f"{e.program.name}, {date_format(e.period_start, 'M j, Y')} – "
                f"{date_format(e.period_end, 'M j, Y')}",
                e.get_absolute_url(),
                e.evaluator.display_name if e.evaluator else "",
                e.submitted_at or e.created_at,
                [("approve", _("Accept"), False), ("return", _("Return"), True)],
            )
        )
    for plan in Plan.objects.filter(status=Plan.Status.SUBMITTED).select_related("created_by")[
        :LIMIT
    ]:
        items.append(
            Item(
                "plan",
                _("Community relations plan"),
                plan.pk,
                str(plan),
                plan.get_absolute_url(),
                plan.created_by.display_name,
                plan.submitted_at,
                APPROVE_RETURN,
            )
        )
    for rec in Recommendation.objects.filter(status=Recommendation.Status.SUBMITTED).select_related(
        "created_by"
    )[:LIMIT]:
        items.append(
            Item(
                "recommendation",
                _("Recommendation: %(kind)s") % {"kind": rec.get_kind_display().lower()},
                rec.pk,
                rec.title,
                rec.get_absolute_url(),
                rec.created_by.display_name,
                rec.submitted_at,
                [
                    ("approve", _("Accept"), False),
                    ("more", _("Ask for more"), True),
                    ("decline", _("Decline"), True),
                ],
            )
        )
    items.sort(key=lambda i: (i.since or timezone.now(), i.kind, i.pk))
    return items


def decide(
    kind: str, pk: int, decision: str, *, by, comment: str = "", revision: int | None = None
):
    """Apply a decision taken in the inbox through the record's own service function, so
    every rule (who, from which status, a comment to return) is the one its page applies.
    Raises Http404 for an unknown kind or record, ValidationError/PermissionDenied as the
    service does."""
    from django.http import Http404
    from django.shortcuts import get_object_or_404

    approve = decision == "approve"
    if decision not in ("approve", "return", "more", "decline"):
        raise Http404
    if kind == "report":
        report = get_object_or_404(Report, pk=pk)
        if approve:
            return report_services.approve_report(
                report=report, by=by, comment=comment, revision=revision
            )
        return report_services.return_report(
            report=report, by=by, comment=comment, revision=revision
        )
    if kind == "material":
        material = get_object_or_404(Material, pk=pk)
        return outreach_services.decide_material(
            material=material, by=by, approve=approve, comment=comment
        )
    if kind == "survey":
        survey = get_object_or_404(Survey, pk=pk)
        return survey_services.decide_survey(survey=survey, by=by, approve=approve, comment=comment)
    if kind == "program":
        program = get_object_or_404(Program, pk=pk)
        return program_services.change_status(
            program=program, by=by, move="approve" if approve else "discontinue"
        )
    if kind == "evaluation":
        evaluation = get_object_or_404(ProgramEvaluation, pk=pk)
        return program_services.decide_evaluation(
            evaluation=evaluation, by=by, accept=approve, comment=comment
        )
    if kind == "plan":
        plan = get_object_or_404(Plan, pk=pk)
        return report_services.decide_plan(plan=plan, by=by, approve=approve, comment=comment)
    if kind == "recommendation":
        recommendation = get_object_or_404(Recommendation, pk=pk)
        return decide_recommendation(
            recommendation=recommendation,
            by=by,
            decision="accept" if approve else decision,
            comment=comment,
        )
    raise Http404
