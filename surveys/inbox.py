"""Surveys' questions waiting for the Chief, for the inbox (core.decisions.INBOX)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.decisions import LIMIT, InboxKind, Item, buttons
from core.prepared import Prepared
from surveys import services
from surveys.models import Survey

# Asked on every view of the inbox: compiled once (core/prepared.py).
SUBMITTED = Prepared(
    lambda: Survey.objects.filter(status=Survey.Status.SUBMITTED).select_related("created_by")[
        :LIMIT
    ]
)


def waiting() -> list[Item]:
    return [
        Item(
            "survey",
            _("Survey questions"),
            s.pk,
            s.title,
            s.get_absolute_url(),
            s.created_by.display_name,
            s.submitted_at,
            buttons(services.SURVEY_DECIDER),
        )
        for s in SUBMITTED.instances()
    ]


def decide(pk, *, by, decision, comment="", revision=None):
    survey = get_object_or_404(Survey, pk=pk)
    return services.decide_survey(survey=survey, by=by, decision=decision, comment=comment)


KINDS = [InboxKind("survey", waiting, decide)]
