"""The responses to an organization on its page (001 III.C.5): for each concern it raised,
what the department tells the public of it, what an open one waits for, and whether the
organization was told the outcome. The organization's page (outreach) sits below the
concerns app and does not import it: it hands its list of concerns to this tag.

The list arrives as the page loaded it (ConcernQuerySet.for_list().with_row_facts()); what
the list does not load (the public note, the resolution, the lead a merged report follows,
the last message to the organization) comes in one more query for all the rows."""

from dataclasses import dataclass

from django import template
from django.urls import reverse
from django.utils.text import Truncator

from concerns import organization_notice
from concerns.models import Concern
from concerns.next_step import waiting_for
from core.permissions import has_permission

register = template.Library()

SUMMARY_CHARS = 90


@dataclass
class ResponseRow:
    reference: str
    url: str
    summary: str
    outcome: organization_notice.Outcome
    waiting: str
    merged_into: str
    told_at: object  # a datetime, or None
    tell_url: str


def _extras(concerns: list) -> dict[int, Concern]:
    fields = organization_notice.OUTCOME_FIELDS
    return {
        c.pk: c
        for c in Concern.objects.filter(pk__in=[c.pk for c in concerns])
        .select_related("duplicate_of")
        .only(*fields, "duplicate_of", *(f"duplicate_of__{name}" for name in fields))
        .annotate(told_at=organization_notice.last_told())
    }


@register.inclusion_tag("outreach/_concern_responses.html", takes_context=True)
def organization_responses(context, organization, concerns):
    user = context["request"].user
    concerns = list(concerns)
    extras = _extras(concerns) if concerns else {}
    answered, waiting = [], []
    for concern in concerns:
        extra = extras[concern.pk]
        outcome = organization_notice.outcome_of(extra, extra.duplicate_of)
        told_at = extra.told_at if organization_notice.told_since(extra.told_at, outcome) else None
        row = ResponseRow(
            reference=concern.reference,
            url=concern.get_absolute_url(),
            summary=Truncator(concern.summary).chars(SUMMARY_CHARS),
            outcome=outcome,
            waiting=waiting_for(concern),
            merged_into=extra.duplicate_of.reference if extra.duplicate_of_id else "",
            told_at=told_at,
            tell_url=reverse("concerns:tell-organization", args=[concern.reference]),
        )
        (answered if outcome.resolved else waiting).append(row)
    return {
        "organization": organization,
        "answered": answered,
        "waiting": waiting,
        "can_tell": has_permission(user, organization_notice.TELL_PERMISSION),
        "csrf_token": context.get("csrf_token"),
    }
