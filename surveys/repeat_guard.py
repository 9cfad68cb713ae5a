"""One answer per browser and survey, without knowing who answered (002 §300.5: the survey
assesses the community's perceptions, so one browser sending the same answers eight times
must not count eight times; 004: the answers stay anonymous).

What is kept, and where:
- In the browser only: a signed cookie naming the ids of the surveys answered from it,
  set when a response is accepted. No response id, no token, no address, no answer: it
  cannot be matched to a row. It expires PERIOD after the last answer it records.
- On the server: nothing new about the respondent. A browser that already answered and
  says "someone else here wants to answer" (a shared household computer, a library) is
  let through, counted by the one rate limiter (accounts.ratelimit, the same keyed hash of
  the connection every public answer already leaves, kept a day), at most
  SOMEONE_ELSE_HOURLY_LIMIT times an hour per connection.

Not done, on purpose: refusing the same answers sent again from the same connection by a
browser without the cookie. It would need the server to keep "this connection sent these
answers" for a while, which is the very link the anonymity promise forbids. The form
token already stores a double-sent form once, and the hourly limit per connection bounds
the rest.

Surveys answered with a one-time code (department members) or through an agency's
single-use link are left alone: the code already allows one answer per person, and
colleagues may share a station computer.
"""

import uuid

from django.conf import settings
from django.shortcuts import render

from accounts import ratelimit
from core.web import client_key
from surveys.models import Response, Survey

COOKIE = "crd_surveys"
SALT = "surveys.repeat-guard"
PERIOD = 90 * 24 * 3600  # a season: longer than a survey is usually open
KEEP_IDS = 50  # the cookie stays small however many surveys a browser answers
SOMEONE_ELSE = "someone_else"
SOMEONE_ELSE_SCOPE = "survey-another"  # RateLimitHit.scope holds 16 characters
# Per connection and hour: a household or a library desk hands the browser on a few times;
# a forum crowd answers on its own phones (and on paper).
SOMEONE_ELSE_HOURLY_LIMIT = 10


def answered(request) -> set[int]:
    """The ids of the surveys this browser answered within PERIOD (a forged, altered or
    expired cookie counts as none)."""
    value = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=PERIOD)
    return {int(part) for part in value.split(".") if part.isdigit()}


def applies(survey: Survey) -> bool:
    return not (survey.needs_code or survey.invitation_only)


def has_answered(request, survey: Survey) -> bool:
    return applies(survey) and survey.pk in answered(request)


def wants_someone_else(request) -> bool:
    return (request.POST.get(SOMEONE_ELSE) or request.GET.get(SOMEONE_ELSE)) == "1"


def someone_else(request, survey: Survey) -> bool:
    """This browser answered, and the person now at it says they are someone else."""
    return has_answered(request, survey) and wants_someone_else(request)


def refusal(request, survey: Survey, language: str):
    """The page saying this browser has already answered, or None to go on."""
    if not has_answered(request, survey):
        return None
    if request.method == "POST" and _same_form_again(request):
        return None  # the form already stored: the service shows its thanks again
    wants = wants_someone_else(request)
    limited = wants and ratelimit.exceeded(
        SOMEONE_ELSE_SCOPE, client_key(request), limit=SOMEONE_ELSE_HOURLY_LIMIT
    )
    if wants and not limited:
        return None
    context = {
        "survey": survey,
        "title": survey.title_in(language),
        "language": language,
        "limited": limited,
        "someone_else_url": f"{request.path}?{SOMEONE_ELSE}=1&lang={language}",
    }
    # 409: this browser's answer is already in; 429: the "someone else" limit is reached.
    status = 429 if limited else (409 if request.method == "POST" else 200)
    return render(request, "surveys/public_already.html", context, status=status)


def accepted(request, response, survey: Survey):
    """Remember on `response` that this browser answered `survey`; count a "someone else"
    answer against the connection's hourly limit."""
    if not applies(survey):
        return response
    ids = answered(request)
    if survey.pk in ids and wants_someone_else(request):
        ratelimit.record(SOMEONE_ELSE_SCOPE, client_key(request))
    ids = sorted(ids | {survey.pk})[-KEEP_IDS:]
    response.set_signed_cookie(
        COOKIE,
        ".".join(str(i) for i in ids),
        salt=SALT,
        max_age=PERIOD,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _same_form_again(request) -> bool:
    try:
        token = uuid.UUID(str(request.POST.get("token", "")))
    except ValueError:
        return False
    return Response.objects.filter(token=token).exists()
