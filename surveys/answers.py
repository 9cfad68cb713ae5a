"""Reading a respondent's answers from a posted form, for the web form and for staff typing
a paper form. Each problem is reported against its question, in the respondent's language,
and every other answer is kept to show again."""

import re

from django.utils.translation import gettext as _

from surveys.models import Question

K = Question.Kind
TEXT_LIMIT = 4000


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def parse(questions, data, *, paper: bool = False):
    """Returns (answers, errors, typed): answers by question id (a list of option numbers,
    or the text); errors by question id; typed by field name, to fill the form again."""
    answers: dict[int, list[int] | str] = {}
    errors: dict[int, str] = {}
    typed: dict[str, object] = {}
    for q in questions:
        name = field_name(q)
        if q.kind == K.MULTIPLE and not paper:
            raw = [v for v in data.getlist(name) if v]
            typed[name] = raw
        else:
            raw = data.get(name, "")
            raw = raw.strip() if isinstance(raw, str) else ""
            typed[name] = raw
        value, error = _read(q, raw, paper)
        if error:
            errors[q.pk] = error
        elif value in ("", []):
            if q.required:
                errors[q.pk] = _("Please answer this question.")
        else:
            answers[q.pk] = value
    return answers, errors, typed


def _read(q: Question, raw, paper: bool):
    """(value, error) for one question; an empty answer is ("", None)."""
    if q.kind == K.TEXT:
        if "\x00" in raw:  # PostgreSQL text holds no NUL (core.guards refuses it earlier)
            return "", _("Remove the invisible characters from this answer.")
        if len(raw) > TEXT_LIMIT:
            return "", _("Keep this to %(limit)d characters or fewer (it has %(count)d).") % {
                "limit": TEXT_LIMIT,
                "count": len(raw),
            }
        return raw, None
    options = len(q.options())
    if q.kind == K.YES_NO and paper and raw:
        raw = {"y": "1", "s": "1", "n": "2"}.get(raw[:1].lower(), raw)
    if q.kind == K.MULTIPLE:
        parts = re.split(r"[\s,;]+", raw) if isinstance(raw, str) else raw
        parts = [p for p in parts if p]
        if not parts:
            return [], None
        values = []
        for part in parts:
            number = _number(part, options)
            if number is None:
                return [], _choose_message(q, options)
            if number not in values:
                values.append(number)
        return sorted(values), None
    if not raw:
        return [], None
    number = _number(raw, options)
    if number is None:
        return [], _choose_message(q, options)
    return [number], None


def _number(raw: str, options: int) -> int | None:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= options else None


def _choose_message(q: Question, options: int) -> str:
    if q.kind == K.RATING:
        return _("Choose a rating from 1 to 5.")
    if q.kind == K.YES_NO:
        return _("Choose yes or no.")
    return _("Choose from the options given (1 to %(count)d).") % {"count": options}
