"""The residents' feedback form, in English and Spanish."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from concerns import attachments, intake
from concerns.forms import (
    PublicFeedbackForm,
)
from core.web import client_key

# --- The public form ------------------------------------------------------------------

PUBLIC_LANGUAGES = ("en", "es")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def public_language(request) -> str:
    """The resident's choice (`?lang=`, or the form's own field), else the remembered one
    (the cookie), else the browser's; English when none of them is Spanish."""
    chosen = request.POST.get("lang") or request.GET.get("lang")
    if chosen in PUBLIC_LANGUAGES:
        language = chosen
    else:
        language = "es" if (getattr(request, "LANGUAGE_CODE", "") or "")[:2] == "es" else "en"
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def remember_language(response, language):
    """Keep the choice for the next visit; the same address answers in either language, so
    a cache must tell them apart by the cookie too."""
    patch_vary_headers(response, ("Cookie",))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def feedback(request):
    language = public_language(request)
    form = PublicFeedbackForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            # Say nothing useful to a robot, and store nothing.
            return remember_language(redirect("feedback-received"), language)
        data = dict(form.cleaned_data)
        data["language"] = language
        photos = data.pop("photos", [])  # checked and re-encoded by the form already
        try:
            # The concern and its photos together: a photo that cannot be stored leaves
            # no concern without it, and the resident sees the form again.
            with transaction.atomic():
                concern, created = intake.submit_public_concern(
                    data=data,
                    client=client_key(request),
                    intake_token=data.pop("intake_token"),
                    limit=settings.PUBLIC_FORM_HOURLY_LIMIT,
                )
                if created and photos:
                    attachments.add_public_photos(concern=concern, photos=photos)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                form.add_error(None, [_(str(message)) for message in error.messages])
            status = 429 if getattr(error, "code", None) == "rate_limited" else 400
        else:
            request.session["feedback_reference"] = concern.reference
            return remember_language(redirect("feedback-received"), language)
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "concerns/feedback.html",
        {"form": form, "language": language},
        status=status,
    )
    return remember_language(response, language)


@login_not_required
def feedback_received(request):
    language = public_language(request)
    response = render(
        request,
        "concerns/feedback_received.html",
        {"reference": request.session.get("feedback_reference"), "language": language},
    )
    return remember_language(response, language)
