"""Surveys: build (from the standard instrument or from scratch), the Chief's approval,
forum links and invitation codes, anonymous responses from every channel, and the actions
the Chief decides from the results."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts import ratelimit
from core.decisions import Decider, Decision, Outcome, decide
from core.permissions import Permission, has_permission, require
from notifications.notify import approval_decided, submitted_for_approval
from surveys.instrument import standard_questions
from surveys.models import (
    Answer,
    ForumLink,
    Invitation,
    PaperBatch,
    Question,
    Response,
    Survey,
    SurveyAction,
)

S = Survey.Status
Q = Question.Kind

LOCKED = _(
    "Responses have come in, so the questions can no longer change: results must compare "
    "like with like. Make a new survey instead."
)
NOT_EDITABLE = _("A survey waiting for the Chief, or closed, cannot be changed.")
NO_QUESTIONS = _("Add at least one question before sending the survey to the Chief.")
NOT_SUBMITTED = _("Only a survey waiting for the Chief can be approved or returned.")
COMMENT_REQUIRED = _("Say what should change, so the CRO can revise the survey.")
NOT_OPEN = gettext_noop("This survey is not open for answers.")
CODE_INVALID = gettext_noop("This invitation code is not valid, or it has already been used.")
RATE_LIMITED = gettext_noop(
    "Too many answers have come from your connection in the last hour. Please try again later."
)
MISSING_SPANISH = _(
    "Question %(n)d has no Spanish text: every survey is offered in both languages."
)
CHOICES_NEEDED = _("Question %(n)d needs at least two choices, one per line.")
CHOICES_MISMATCH = _("Question %(n)d has %(en)d English choices but %(es)d Spanish ones.")
CHOICES_LIMIT = _("A question can have at most 20 choices.")
PERIOD_ORDER = _("The closing date cannot be before the opening date.")
ONLY_CLOSING_DATE = _(
    "Responses have come in: only the closing date can change now, so the results stay comparable."
)
COUNT_RANGE = _("Issue between 1 and 2,000 codes at a time.")
INVITATION_ONLY = gettext_noop(
    "This survey is for the heads of outside agencies, who answer through the link sent to "
    "them by email."
)
LINK_USED = gettext_noop("This invitation link has already been used.")
WRONG_BATCH = _("That paper batch belongs to another survey.")

# Per client address and hour. A forum's crowd shares the venue's connection, so forum
# links allow a whole room; the web link allows a household.
WEB_HOURLY_LIMIT = 20
FORUM_HOURLY_LIMIT = 2000

CONTENT_FIELDS = ("title", "title_es", "intro", "intro_es", "audience")


def _count_choices(text: str) -> int:
    return len([line for line in text.splitlines() if line.strip()])


def _lock(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _content_change(survey: Survey) -> None:
    """Content may change until responses exist. A change to approved content sends it
    back to the Chief, who approved what the public will read (004 III.1.e)."""
    if survey.responses.exists():
        raise ValidationError(LOCKED)
    if survey.status in (S.SUBMITTED, S.CLOSED):
        raise ValidationError(NOT_EDITABLE)
    if survey.status == S.APPROVED:
        survey.status = S.DRAFT
        survey.decided_by = None
        survey.decided_at = None
        survey.save(update_fields=["status", "decided_by", "decided_at"])


@transaction.atomic
def create_survey(*, by, data: dict, standard: bool = True) -> Survey:
    """A new draft; with `standard`, pre-loaded with the standard instrument."""
    require(by, Permission.MANAGE_SURVEYS)
    if data["closes_on"] < data["opens_on"]:
        raise ValidationError({"closes_on": PERIOD_ORDER})
    survey = Survey.objects.create(
        created_by=by, **{k: data[k] for k in (*CONTENT_FIELDS, "opens_on", "closes_on")}
    )
    if standard:
        Question.objects.bulk_create(
            Question(survey=survey, position=i, **spec)
            for i, spec in enumerate(standard_questions(survey.audience), 1)
        )
    return survey


@transaction.atomic
def update_survey(*, survey: Survey, by, data: dict) -> Survey:
    require(by, Permission.MANAGE_SURVEYS)
    survey = _lock(survey)
    if data["closes_on"] < data["opens_on"]:
        raise ValidationError({"closes_on": PERIOD_ORDER})
    content_changed = any(getattr(survey, k) != data[k] for k in CONTENT_FIELDS)
    if survey.responses.exists():
        if content_changed or data["opens_on"] != survey.opens_on:
            raise ValidationError(ONLY_CLOSING_DATE)
    elif content_changed or data["opens_on"] != survey.opens_on:
        _content_change(survey)
    if survey.status == S.CLOSED:
        raise ValidationError(NOT_EDITABLE)
    for key in (*CONTENT_FIELDS, "opens_on", "closes_on"):
        setattr(survey, key, data[key])
    survey.save()
    return survey


def _check_question(data: dict, number: int) -> None:
    if data["kind"] in (Q.SINGLE, Q.MULTIPLE):
        en, es = _count_choices(data.get("choices", "")), _count_choices(data.get("choices_es", ""))
        if en < 2:
            raise ValidationError({"choices": CHOICES_NEEDED % {"n": number}})
        if en > 20:
            raise ValidationError({"choices": CHOICES_LIMIT})
        if es and es != en:
            raise ValidationError(
                {"choices_es": CHOICES_MISMATCH % {"n": number, "en": en, "es": es}}
            )
    else:
        data["choices"] = data["choices_es"] = ""


QUESTION_FIELDS = ("kind", "dimension", "text", "text_es", "choices", "choices_es", "required")


@transaction.atomic
def save_question(*, survey: Survey, by, data: dict, question: Question | None = None) -> Question:
    require(by, Permission.MANAGE_SURVEYS)
    survey = _lock(survey)
    _content_change(survey)
    data = {k: data.get(k, "") for k in QUESTION_FIELDS}
    data["required"] = bool(data["required"])
    if question is None:
        position = (survey.questions.aggregate(p=Max("position"))["p"] or 0) + 1
        _check_question(data, position)
        return Question.objects.create(survey=survey, position=position, **data)
    question = survey.questions.select_for_update().get(pk=question.pk)
    _check_question(data, question.position)
    if question.code and (question.kind, question.dimension) != (data["kind"], data["dimension"]):
        # A changed standard question no longer compares with other years.
        question.code = ""
    for key, value in data.items():
        setattr(question, key, value)
    question.save()
    return question


@transaction.atomic
def delete_question(*, survey: Survey, by, question: Question) -> None:
    require(by, Permission.MANAGE_SURVEYS)
    survey = _lock(survey)
    _content_change(survey)
    position = survey.questions.select_for_update().get(pk=question.pk).position
    survey.questions.filter(pk=question.pk).delete()
    survey.questions.filter(position__gt=position).update(position=F("position") - 1)


@transaction.atomic
def move_question(*, survey: Survey, by, question: Question, up: bool) -> None:
    """Swap a question with its neighbour (the position constraint is checked at commit)."""
    require(by, Permission.MANAGE_SURVEYS)
    survey = _lock(survey)
    _content_change(survey)
    question = survey.questions.get(pk=question.pk)
    target = question.position - 1 if up else question.position + 1
    neighbour = survey.questions.filter(position=target).first()
    if neighbour is None:
        return
    neighbour.position, question.position = question.position, target
    neighbour.save(update_fields=["position"])
    question.save(update_fields=["position"])


@transaction.atomic
def submit_survey(*, survey: Survey, by) -> Survey:
    require(by, Permission.MANAGE_SURVEYS)
    survey = _lock(survey)
    if survey.status not in (S.DRAFT, S.RETURNED):
        raise ValidationError(NOT_EDITABLE)
    questions = list(survey.questions.all())
    if not questions:
        raise ValidationError(NO_QUESTIONS)
    problems = []
    if not survey.title_es.strip():
        problems.append(gettext("The survey has no Spanish title."))
    for q in questions:
        if not q.text_es.strip():
            problems.append(MISSING_SPANISH % {"n": q.position})
        if q.kind in (Q.SINGLE, Q.MULTIPLE):
            en, es = _count_choices(q.choices), _count_choices(q.choices_es)
            if es != en:
                problems.append(CHOICES_MISMATCH % {"n": q.position, "en": en, "es": es})
    if problems:
        raise ValidationError(problems)
    survey.status = S.SUBMITTED
    survey.submitted_at = timezone.now()
    survey.submitted_by = by
    survey.save(update_fields=["status", "submitted_at", "submitted_by"])
    submitted_for_approval(
        survey,
        what=gettext("survey questions “%(title)s”") % {"title": survey.title},
        permission=Permission.DECIDE_SURVEYS,
        by=by,
    )
    return survey


# The Chief approves the content of the questions (004 III.1.e) or returns it.
SURVEY_DECIDER = Decider(
    permission=Permission.DECIDE_SURVEYS,
    submitted=S.SUBMITTED,
    not_submitted=NOT_SUBMITTED,
    comment_required=COMMENT_REQUIRED,
    outcomes={
        Decision.APPROVE: Outcome(S.APPROVED, _("approved")),
        Decision.RETURN: Outcome(S.RETURNED, _("returned"), needs_comment=True),
    },
)


@transaction.atomic
def decide_survey(*, survey: Survey, by, decision, comment: str = "") -> Survey:
    survey = _lock(survey)
    outcome = decide(survey, SURVEY_DECIDER, by=by, decision=decision, comment=comment)
    approval_decided(
        survey,
        what=gettext("survey questions “%(title)s”") % {"title": survey.title},
        outcome=str(outcome.said),
        by=by,
        submitter=survey.submitted_by or survey.created_by,
    )
    return survey


@transaction.atomic
def close_survey(*, survey: Survey, by) -> Survey:
    require(by, Permission.MANAGE_SURVEYS)
    survey = _lock(survey)
    if survey.status != S.APPROVED:
        raise ValidationError(gettext("Only an approved survey can be closed."))
    survey.status = S.CLOSED
    survey.closed_at = timezone.now()
    if survey.closes_on > timezone.localdate():
        survey.closes_on = max(timezone.localdate(), survey.opens_on)
    survey.save(update_fields=["status", "closed_at", "closes_on"])
    return survey


@transaction.atomic
def add_forum(*, survey: Survey, by, name: str, held_on: dt.date, activity=None) -> ForumLink:
    require(by, Permission.MANAGE_SURVEYS)
    if not name.strip():
        raise ValidationError({"name": gettext("Name the forum, e.g. Eastside community forum.")})
    return ForumLink.objects.create(
        survey=survey, name=name.strip(), held_on=held_on, activity=activity
    )


def hash_code(survey: Survey, code: str) -> str:
    normalized = "".join(code.split()).upper()
    return hashlib.sha256(f"{survey.pk}:{normalized}".encode()).hexdigest()


CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@transaction.atomic
def issue_invitations(*, survey: Survey, by, count: int) -> list[str]:
    """One-time codes for a department-member survey. The codes are returned once, to be
    printed and handed out; only their hashes are kept."""
    require(by, Permission.MANAGE_SURVEYS)
    if not 1 <= count <= 2000:
        raise ValidationError({"count": COUNT_RANGE})
    batch = (survey.invitations.aggregate(b=Max("batch"))["b"] or 0) + 1
    codes = set()
    while len(codes) < count:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
        codes.add(f"{raw[:5]}-{raw[5:]}")
    Invitation.objects.bulk_create(
        Invitation(survey=survey, code_hash=hash_code(survey, c), batch=batch) for c in codes
    )
    return sorted(codes)


def _throttle(client: str, forum: bool) -> None:
    scope, limit = (
        ("survey-forum", FORUM_HOURLY_LIMIT) if forum else ("survey-web", WEB_HOURLY_LIMIT)
    )
    if not ratelimit.take(scope, client, limit=limit):
        raise ValidationError(RATE_LIMITED, code="rate_limited")


def submit_response(
    *,
    survey: Survey,
    answers: dict[int, list[int] | str],
    channel: str,
    language: str,
    token,
    forum: ForumLink | None = None,
    code: str = "",
    client: str = "",
    by=None,
    batch: PaperBatch | None = None,
    invitation: Invitation | None = None,
) -> tuple[Response, bool]:
    """Store one anonymous response. `answers` maps question ids to the chosen option
    numbers or the text (already checked by `surveys.answers.parse`). Returns the response
    and whether it is new: the same form token twice stores one response."""
    if channel == Response.Channel.PAPER:
        require(by, Permission.ENTER_PAPER_RESPONSES)
    existing = Response.objects.filter(token=token).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            return (
                _store(
                    survey,
                    answers,
                    channel,
                    language,
                    token,
                    forum,
                    code,
                    client,
                    batch=batch,
                    invitation=invitation,
                ),
                True,
            )
    except IntegrityError:
        # The same token, committed by a concurrent request a moment ago.
        existing = Response.objects.filter(token=token).first()
        if existing is None:
            raise
        return existing, False


def _store(
    survey, answers, channel, language, token, forum, code, client, *, batch, invitation
) -> Response:
    survey = Survey.objects.get(pk=survey.pk)
    paper = channel == Response.Channel.PAPER
    agency = {}
    # 001 IV.D.3: an outside agency's answer speaks for that agency, so it comes only
    # through the single-use link sent to its head, and records the agency (never the head).
    if survey.invitation_only:
        if invitation is None or invitation.survey_id != survey.pk or not invitation.is_agency:
            raise ValidationError(INVITATION_ONLY, code="invitation")
        channel, paper, forum, batch = Response.Channel.AGENCY, False, None, None
        agency = {"agency_name": invitation.agency_name, "agency_type": invitation.agency_type}
    if batch is not None and (batch.survey_id != survey.pk or not paper):
        raise ValidationError(WRONG_BATCH)
    # Paper forms arrive after the survey closes (the water bills come back for weeks).
    if not paper and not survey.is_open:
        raise ValidationError(NOT_OPEN, code="closed")
    if paper and survey.status not in (S.APPROVED, S.CLOSED):
        raise ValidationError(NOT_OPEN, code="closed")
    if client and not paper:
        _throttle(client, forum is not None)
    if survey.needs_code and not paper:
        used = Invitation.objects.filter(
            survey=survey, code_hash=hash_code(survey, code), used=False
        ).update(used=True)
        if not used:
            raise ValidationError({"code": CODE_INVALID}, code="code")
    if agency and not Invitation.objects.filter(pk=invitation.pk, used=False).update(used=True):
        raise ValidationError(LINK_USED, code="invitation")
    response = Response.objects.create(
        survey=survey,
        channel=channel,
        forum=forum,
        batch=batch,
        **agency,
        language=language if language in ("en", "es") else "en",
        submitted_on=timezone.localdate(),
        token=token,
    )
    rows = []
    for question_id, value in answers.items():
        if isinstance(value, str):
            if value:
                rows.append(Answer(response=response, question_id=question_id, text=value))
        else:
            rows.extend(Answer(response=response, question_id=question_id, value=v) for v in value)
    Answer.objects.bulk_create(rows)
    return response


@transaction.atomic
def record_action(*, survey: Survey, by, data: dict) -> SurveyAction:
    """The Chief records an action decided from the results (004 III.2.e)."""
    require(by, Permission.DECIDE_SURVEYS)
    text = data.get("text", "").strip()
    if not text:
        raise ValidationError({"text": gettext("Say what was decided.")})
    return SurveyAction.objects.create(
        survey=survey,
        text=text[:500],
        responsible=data.get("responsible", "").strip()[:150],
        due_on=data.get("due_on"),
        decided_by=by,
    )


@transaction.atomic
def complete_action(*, action: SurveyAction, by) -> SurveyAction:
    """The CRO or the Chief marks a decided action done."""
    if not (
        has_permission(by, Permission.MANAGE_SURVEYS)
        or has_permission(by, Permission.DECIDE_SURVEYS)
    ):
        raise PermissionDenied
    action = SurveyAction.objects.select_for_update().get(pk=action.pk)
    if action.done_on is None:
        action.done_on = timezone.localdate()
        action.save(update_fields=["done_on"])
    return action
