"""What the survey pages share: their breadcrumbs, errors for the survey page's error box,
and the questions laid out for answering, as the public form, its staff preview and paper
entry show them."""

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Agency
from core.web import crumbs
from surveys import answers as answer_form
from surveys.models import Question


def _crumbs(*pairs):
    return crumbs((_("Surveys"), reverse("surveys:list")), *pairs)


def _error_dict(error: ValidationError) -> dict:
    return getattr(error, "message_dict", {"__all__": error.messages})


def _form_errors(form) -> dict:
    """A small form's errors for the survey page's error box."""
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


def _token(raw) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


def _question_rows(questions, language, typed, errors, *, paper=False):
    rows = []
    for q in questions:
        name = answer_form.field_name(q)
        # Checkboxes on the web form come back as a list; staff type "2 5" on paper entry.
        empty = [] if q.kind == Question.Kind.MULTIPLE and not paper else ""
        value = typed.get(name, empty)
        rows.append(
            {
                "q": q,
                "name": name,
                "text": q.text_in(language),
                "options": list(enumerate(q.options(language), 1)),
                "value": value,
                "chosen": value if isinstance(value, list) else [value],
                "error": errors.get(q.pk, ""),
            }
        )
    return rows


def _public_context(survey, language, *, preview=False, forum=None, typed=None, errors=None):
    questions = list(survey.questions.all())
    errors = errors or {}
    return {
        "survey": survey,
        "title": survey.title_in(language),
        "intro": survey.intro_in(language),
        "rows": _question_rows(questions, language, typed or {}, errors),
        "error_count": len(errors),
        "form_error": errors.get("__all__", ""),
        "code_error": errors.get("code", ""),
        "language": language,
        "preview": preview,
        "forum": forum,
        "token": uuid.uuid4(),
        "agency": Agency.load(),
    }
