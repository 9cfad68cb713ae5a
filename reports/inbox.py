"""Reports, the annual plan and recommendations waiting for the Chief, for the inbox
(core.decisions.INBOX)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.decisions import LIMIT, InboxKind, Item, buttons
from core.prepared import Prepared
from reports import recommendations, services
from reports.models import Plan, Recommendation, Report

# Asked on every view of the inbox: compiled once (core/prepared.py).
REPORTS = Prepared(
    lambda: (
        Report.objects.listed()
        .filter(status=Report.Status.SUBMITTED)
        .select_related("created_by", "survey")[:LIMIT]
    )
)
PLANS = Prepared(
    lambda: Plan.objects.filter(status=Plan.Status.SUBMITTED).select_related("created_by")[:LIMIT]
)
RECOMMENDATIONS = Prepared(
    lambda: Recommendation.objects.filter(status=Recommendation.Status.SUBMITTED).select_related(
        "created_by"
    )[:LIMIT]
)


def reports() -> list[Item]:
    return [
        Item(
            "report",
            _("Report"),
            r.pk,
            f"{r.title}, {r.period_label}",
            r.get_absolute_url(),
            r.created_by.display_name,
            r.submitted_at,
            buttons(services.REPORT_DECIDER),
            # A decision on a report changed since it was listed is refused.
            revision=r.revision,
        )
        for r in REPORTS.instances()
    ]


def decide_report(pk, *, by, decision, comment="", revision=None):
    report = get_object_or_404(Report, pk=pk)
    return services.decide_report(
        report=report, by=by, decision=decision, comment=comment, revision=revision
    )


def plans() -> list[Item]:
    return [
        Item(
            "plan",
            _("Community relations plan"),
            plan.pk,
            str(plan),
            plan.get_absolute_url(),
            plan.created_by.display_name,
            plan.submitted_at,
            buttons(services.PLAN_DECIDER),
        )
        for plan in PLANS.instances()
    ]


def decide_plan(pk, *, by, decision, comment="", revision=None):
    plan = get_object_or_404(Plan, pk=pk)
    return services.decide_plan(plan=plan, by=by, decision=decision, comment=comment)


def recommendations_waiting() -> list[Item]:
    return [
        Item(
            "recommendation",
            _("Recommendation: %(kind)s") % {"kind": rec.get_kind_display().lower()},
            rec.pk,
            rec.title,
            rec.get_absolute_url(),
            rec.created_by.display_name,
            rec.submitted_at,
            buttons(recommendations.RECOMMENDATION_DECIDER),
        )
        for rec in RECOMMENDATIONS.instances()
    ]


def decide_recommendation(pk, *, by, decision, comment="", revision=None):
    recommendation = get_object_or_404(Recommendation, pk=pk)
    return recommendations.decide_recommendation(
        recommendation=recommendation, by=by, decision=decision, comment=comment
    )


KINDS = [
    InboxKind("report", reports, decide_report),
    InboxKind("plan", plans, decide_plan),
    InboxKind("recommendation", recommendations_waiting, decide_recommendation),
]
