"""Surveys' questions waiting for the Chief, for the inbox (core.decisions.INBOX)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.decisions import LIMIT, InboxKind, Item, buttons
from surveys import services
from surveys.models import Survey


def waiting() -> list[Item]:
    waiting = Survey.objects.filter(status=Survey.Status.SUBMITTED).select_related("created_by")
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
        for s in waiting[:LIMIT]
    ]


def decide(pk, *, by, decision, comment="", revision=None):
    survey = get_object_or_404(Survey, pk=pk)
    return services.decide_survey(survey=survey, by=by, decision=decision, comment=comment)


KINDS = [InboxKind("survey", waiting, decide)]
