"""The survey pages: the staff's builder (list, survey page, questions, approval), the
collection of responses (forums, invitation codes, paper entry), the results, and the
public form. The names are gathered here for surveys.urls, config.urls (the public form)
and reports.views (which shows the survey page again with a refusal)."""

from surveys.views.builder import (
    question_delete,
    question_edit,
    question_move,
    survey_close,
    survey_decide,
    survey_detail,
    survey_edit,
    survey_list,
    survey_new,
    survey_preview,
    survey_submit,
)
from surveys.views.collection import (
    agency_invite,
    forum_add,
    forum_sheet,
    invitations_issue,
    paper_batch_add,
    paper_entry,
    social_add,
)
from surveys.views.links import agency_answer, social_form
from surveys.views.public import public_form, public_thanks
from surveys.views.results import action_add, action_done, results_csv, survey_results

__all__ = [
    "action_add",
    "action_done",
    "agency_answer",
    "agency_invite",
    "forum_add",
    "forum_sheet",
    "invitations_issue",
    "paper_batch_add",
    "paper_entry",
    "public_form",
    "public_thanks",
    "question_delete",
    "question_edit",
    "question_move",
    "results_csv",
    "social_add",
    "social_form",
    "survey_close",
    "survey_decide",
    "survey_detail",
    "survey_edit",
    "survey_list",
    "survey_new",
    "survey_preview",
    "survey_results",
    "survey_submit",
]
