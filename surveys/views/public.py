"""The public form, open to anyone without signing in, in English or Spanish: by the
survey's link, a forum's link or an invitation code, and the thank-you page."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_http_methods

from core.web import client_key
from surveys import answers as answer_form
from surveys import channels, repeat_guard, services
from surveys.models import ForumLink, Response, Survey
from surveys.views._common import _error_dict, _public_context, _token


def _language(request) -> str:
    chosen = request.POST.get("lang") or request.GET.get("lang")
    if chosen in ("en", "es"):
        return chosen
    return "es" if (getattr(request, "LANGUAGE_CODE", "") or "")[:2] == "es" else "en"


@login_not_required
@require_http_methods(["GET", "POST"])
def public_form(request, slug, forum_slug=None):
    survey = get_object_or_404(Survey, slug=slug)
    forum = get_object_or_404(ForumLink, survey=survey, slug=forum_slug) if forum_slug else None
    language = _language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if survey.invitation_only:
        # 001 IV.D.3: outside agencies answer only through the link emailed to their head.
        response = render(
            request,
            "surveys/public_invitation_only.html",
            {"survey": survey, "title": survey.title_in(language), "language": language},
            status=403,
        )
    elif not survey.is_open:
        response = render(
            request,
            "surveys/public_closed.html",
            {"survey": survey, "title": survey.title_in(language), "language": language},
            status=410,
        )
    elif request.method == "POST":
        response = _public_post(request, survey, forum, language)
    elif (refused := repeat_guard.refusal(request, survey, language)) is not None:
        response = refused  # this browser has answered: say so before the form is filled
    else:
        response = render(
            request, "surveys/public_form.html", _public_context(survey, language, forum=forum)
        )
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _public_post(request, survey, forum, language, *, channel=None, invitation=None):
    if (refused := repeat_guard.refusal(request, survey, language)) is not None:
        return refused
    questions = list(survey.questions.all())
    answers, errors, typed = answer_form.parse(questions, request.POST)
    token = _token(request.POST.get("token"))
    status = 400
    if not errors:
        try:
            services.submit_response(
                survey=survey,
                answers=answers,
                channel=channel or (Response.Channel.FORUM if forum else Response.Channel.WEB),
                forum=forum,
                invitation=invitation,
                language=language,
                token=token,
                code=request.POST.get("code", ""),
                client=client_key(request),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "rate_limited":
                status = 429
            errors = _error_dict(error)
            errors = {
                key: " ".join(translation.gettext(m) for m in msgs) for key, msgs in errors.items()
            }
        else:
            thanks = redirect(f"{reverse('survey-thanks', args=[survey.slug])}?lang={language}")
            return repeat_guard.accepted(request, thanks, survey)
    context = _public_context(survey, language, forum=forum, typed=typed, errors=errors)
    context["token"] = token
    context["code"] = request.POST.get("code", "")
    if invitation is not None:
        context["agency_notice"] = channels.agency_notice(invitation)
    return render(request, "surveys/public_form.html", context, status=status)


@login_not_required
def public_thanks(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    language = _language(request)
    translation.activate(language)
    return render(
        request,
        "surveys/public_thanks.html",
        {"survey": survey, "title": survey.title_in(language), "language": language},
    )
