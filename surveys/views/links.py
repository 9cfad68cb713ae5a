"""The public form reached by a channel's own link, without signing in: the single-use
link emailed to an outside agency's head (001 IV.D.3), and the survey's social-media link
(004 §2). Both show the same form as the open link and hand the answers to the same
`_public_post`, which stores them through `services.submit_response`."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from surveys import channels, repeat_guard
from surveys.models import Response, SocialLink
from surveys.views._common import _public_context
from surveys.views.public import _language, _public_post

COOKIE_AGE = 365 * 24 * 3600


def _begin(request) -> str:
    language = _language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _finish(response, language):
    response.set_cookie("django_language", language, max_age=COOKIE_AGE, samesite="Lax")
    return response


def _closed(request, survey, language, template="surveys/public_closed.html", **extra):
    context = {"survey": survey, "title": survey.title_in(language), "language": language}
    return render(request, template, context | extra, status=410)


@login_not_required
@require_http_methods(["GET", "POST"])
def agency_answer(request, token):
    invitation = channels.invitation_for(token)
    if invitation is None:
        raise Http404
    survey = invitation.survey
    language = _begin(request)
    if invitation.used:
        response = _closed(
            request, survey, language, "surveys/public_invitation_only.html", used=True
        )
    elif not survey.is_open:
        response = _closed(request, survey, language)
    elif request.method == "POST":
        response = _public_post(request, survey, None, language, invitation=invitation)
    else:
        context = _public_context(survey, language)
        context["agency_notice"] = channels.agency_notice(invitation)
        response = render(request, "surveys/public_form.html", context)
    # The link is the agency's key: no other site sees it as a referrer. ("no-referrer"
    # would also blank the form's Origin, which the CSRF check refuses.)
    response["Referrer-Policy"] = "same-origin"
    return _finish(response, language)


@login_not_required
@require_http_methods(["GET", "POST"])
def social_form(request, slug, link_slug):
    link = get_object_or_404(SocialLink.objects.select_related("survey"), slug=link_slug)
    survey = link.survey
    if survey.slug != slug or survey.invitation_only:
        raise Http404
    language = _begin(request)
    if not survey.is_open:
        response = _closed(request, survey, language)
    elif request.method == "POST":
        response = _public_post(request, survey, None, language, channel=Response.Channel.SOCIAL)
    elif (refused := repeat_guard.refusal(request, survey, language)) is not None:
        response = refused  # as on the open link: this browser has answered already
    else:
        response = render(request, "surveys/public_form.html", _public_context(survey, language))
    return _finish(response, language)
