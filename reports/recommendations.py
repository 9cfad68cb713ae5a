"""Recommendations to the Chief: draft policy ideas and recommended improvements to practices
or programs (000 III.3 and III.6, 001 III.C.3 and C.6, 003 1.a.2 and a.5).

The CRO writes a draft, links the concerns, evaluations or survey results behind it and
submits it; the Chief accepts it, declines it or asks for more; an accepted one is tracked
until it is done, and the annual report lists it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.decisions import Decider, Decision, Outcome, decide
from core.permissions import Permission, has_permission, require
from notifications.notify import approval_decided, submitted_for_approval
from reports.models import Recommendation

S = Recommendation.Status

NOT_EDITABLE = _(
    "Only a draft, or a recommendation the Chief asked more about, can be changed or submitted."
)
NOT_SUBMITTED = _(
    "Only a recommendation waiting for the Chief can be accepted, declined or sent back."
)
NOT_ACCEPTED = _("Only an accepted recommendation can be marked done.")
KIND_REQUIRED = _(
    "Choose whether this is a draft policy or an improvement to a practice or program."
)
TITLE_REQUIRED = _("Give the recommendation a short title.")
TEXT_REQUIRED = _("Write the recommendation itself.")
UNKNOWN_DECISION = _("Choose to accept, to decline or to ask for more.")
MORE_COMMENT_REQUIRED = _("Say what more you need, so the CRO can add it.")
DECLINE_COMMENT_REQUIRED = _("Say why the recommendation is declined, so the CRO knows.")
OUTCOME_REQUIRED = _("Say what was done.")
NOT_YOURS_TO_COMPLETE = _("Only the CRO or the Chief can mark a recommendation done.")

# The Chief's three answers: accept, decline (saying why) or ask for more (saying what).
RECOMMENDATION_DECIDER = Decider(
    permission=Permission.DECIDE_RECOMMENDATIONS,
    submitted=S.SUBMITTED,
    not_submitted=NOT_SUBMITTED,
    not_offered=UNKNOWN_DECISION,
    outcomes={
        Decision.APPROVE: Outcome(S.ACCEPTED, _("accepted"), label=_("Accept")),
        Decision.RETURN: Outcome(
            S.MORE_INFO,
            _("sent back for more"),
            needs_comment=True,
            label=_("Ask for more"),
            comment_required=MORE_COMMENT_REQUIRED,
        ),
        Decision.DECLINE: Outcome(
            S.DECLINED,
            _("declined"),
            needs_comment=True,
            comment_required=DECLINE_COMMENT_REQUIRED,
        ),
    },
)
EDITABLE = (S.DRAFT, S.MORE_INFO)
CONTENT_FIELDS = ("kind", "title", "text", "reasons", "evaluation", "survey")


def is_editable(recommendation: Recommendation) -> bool:
    return recommendation.status in EDITABLE


def _lock(recommendation: Recommendation) -> Recommendation:
    return Recommendation.objects.select_for_update().get(pk=recommendation.pk)


def _clean(data: dict) -> dict:
    cleaned = {
        "kind": data.get("kind") or "",
        "title": (data.get("title") or "").strip(),
        "text": (data.get("text") or "").strip(),
        "reasons": (data.get("reasons") or "").strip(),
        "evaluation": data.get("evaluation"),
        "survey": data.get("survey"),
    }
    errors = {}
    if cleaned["kind"] not in Recommendation.Kind.values:
        errors["kind"] = KIND_REQUIRED
    if not cleaned["title"]:
        errors["title"] = TITLE_REQUIRED
    if not cleaned["text"]:
        errors["text"] = TEXT_REQUIRED
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_recommendation(
    *, by, data: dict, concerns=(), recommendation: Recommendation | None = None
) -> Recommendation:
    """Create a draft, or change one that is still a draft or that the Chief asked more
    about. `concerns` replaces the linked concerns."""
    require(by, Permission.MANAGE_RECOMMENDATIONS)
    cleaned = _clean(data)
    if recommendation is None:
        recommendation = Recommendation.objects.create(created_by=by, **cleaned)
    else:
        recommendation = _lock(recommendation)
        if not is_editable(recommendation):
            raise ValidationError(NOT_EDITABLE)
        for key in CONTENT_FIELDS:
            setattr(recommendation, key, cleaned[key])
        recommendation.save(update_fields=list(CONTENT_FIELDS))
    recommendation.concerns.set(list(concerns))
    return recommendation


@transaction.atomic
def submit_recommendation(*, recommendation: Recommendation, by) -> Recommendation:
    """To the Chief; again after the Chief asked for more. The Chief's earlier comment
    stays on the record until the next decision replaces it."""
    require(by, Permission.MANAGE_RECOMMENDATIONS)
    recommendation = _lock(recommendation)
    if not is_editable(recommendation):
        raise ValidationError(NOT_EDITABLE)
    recommendation.status = S.SUBMITTED
    recommendation.submitted_at = timezone.now()
    recommendation.submitted_by = by
    recommendation.decided_by = None
    recommendation.decided_at = None
    recommendation.save(
        update_fields=["status", "submitted_at", "submitted_by", "decided_by", "decided_at"]
    )
    submitted_for_approval(
        recommendation,
        what=gettext("recommendation “%(title)s”") % {"title": recommendation.title},
        permission=Permission.DECIDE_RECOMMENDATIONS,
        by=by,
    )
    return recommendation


@transaction.atomic
def decide_recommendation(
    *, recommendation: Recommendation, by, decision, comment: str = ""
) -> Recommendation:
    recommendation = _lock(recommendation)
    outcome = decide(
        recommendation, RECOMMENDATION_DECIDER, by=by, decision=decision, comment=comment
    )
    approval_decided(
        recommendation,
        what=gettext("recommendation “%(title)s”") % {"title": recommendation.title},
        outcome=str(outcome.said),
        by=by,
        submitter=recommendation.submitted_by or recommendation.created_by,
    )
    return recommendation


@transaction.atomic
def complete_recommendation(*, recommendation: Recommendation, by, outcome: str) -> Recommendation:
    """An accepted recommendation has been carried out: what was done, as of today."""
    if not (
        has_permission(by, Permission.MANAGE_RECOMMENDATIONS)
        or has_permission(by, Permission.DECIDE_RECOMMENDATIONS)
    ):
        raise PermissionDenied(NOT_YOURS_TO_COMPLETE)
    recommendation = _lock(recommendation)
    if recommendation.status != S.ACCEPTED:
        raise ValidationError(NOT_ACCEPTED)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError({"outcome": OUTCOME_REQUIRED})
    recommendation.status = S.DONE
    recommendation.outcome = outcome
    recommendation.done_on = timezone.localdate()
    recommendation.save(update_fields=["status", "outcome", "done_on"])
    return recommendation
