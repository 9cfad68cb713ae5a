"""`/status/`: a resident sees where their concern stands (concerns/status.py).

The page is reached two ways: the form (reference and private code typed, posted), or the
link in the acknowledgment email, which carries both in its query string. A link is read
once and always answered with a redirect to the bare `/status/` (`Referrer-Policy:
no-referrer`): a right answer is kept in the session, a wrong one too, to be shown once. So
no page is ever drawn at an address holding a code: it stays in no address bar, no history
and no Referer. Every answer says `Cache-Control: no-store`, and the page loads nothing but
the site's own static files (the Content-Security-Policy allows nothing else).

The pages drawn at the bare address keep the site's `Referrer-Policy: same-origin` (a
Referer never leaves the site, and theirs holds no secret). `no-referrer` there would make
the browser send `Origin: null` with the forms' posts, and the CSRF check refuses those.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from concerns import status
from concerns.views.public import public_language, remember_language

FIELD_MAX = 40  # far longer than any reference or code, however it is typed

OFFICER_CODE = _(
    "For the resident: with %(reference)s and the private code %(code)s they can see where "
    "the concern stands on the status page. Give the code only to the resident who raised it."
)
NOT_A_REFERENCE = _("This is not a reference. A reference looks like CR-2026-0123.")
NOT_A_CODE = _(
    "A private code has ten letters and numbers, like K7MXQ-3RWPA. It never has the letters "
    "O or I, or the numbers 0 or 1."
)


class StatusForm(forms.Form):
    """The reference and the code. The shapes are checked here (they are no secret); whether
    the two belong together is asked of `status.check`, which counts wrong answers."""

    reference = forms.CharField(
        label=pgettext_lazy("status page", "Reference"),
        max_length=FIELD_MAX,
        help_text=_("It looks like CR-2026-0123."),
    )
    code = forms.CharField(
        label=_("Private code"),
        max_length=FIELD_MAX,
        help_text=_(
            "Ten letters and numbers, like K7MXQ-3RWPA, from the email or the page that gave "
            "you the reference."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update(
                {"class": "form-control", "autocomplete": "off", "spellcheck": "false"}
            )
        self.fields["reference"].widget.attrs["autocapitalize"] = "characters"
        self.fields["code"].widget.attrs["autocapitalize"] = "characters"

    def clean_reference(self):
        reference = status.clean_reference(self.cleaned_data["reference"])
        if not reference:
            raise forms.ValidationError(NOT_A_REFERENCE)
        return reference

    def clean_code(self):
        code = status.clean_code(self.cleaned_data["code"])
        if len(code) != status.CODE_LENGTH or any(c not in status.ALPHABET for c in code):
            raise forms.ValidationError(NOT_A_CODE)
        return code


def tell_officer_the_code(request, concern) -> None:
    """After an officer's intake: the private code to read to the resident (a conduct or
    bias concern's "logged" page shows it instead, concern_logged.html)."""
    messages.info(
        request,
        OFFICER_CODE % {"reference": concern.reference, "code": status.private_code(concern)},
    )


# A link's answer kept for the page it redirects to: what it carried and what went wrong.
LINK_KEY = "status_link"


def _clean_address(language: str, *, link: bool = False):
    """To the bare address. The answer to a link also says `no-referrer`, so not even the
    page the resident came from (a webmail) is told to the next request."""
    response = remember_language(redirect(f"{reverse('status')}?lang={language}"), language)
    if link:
        response["Referrer-Policy"] = "no-referrer"
    return response


def _check(request, form) -> tuple[str, int]:
    """("found" | "invalid" | "not_found" | "too_many", seconds to wait); the errors are
    on the form, a right answer is remembered in the session."""
    if not form.is_valid():
        return "invalid", 0
    try:
        concern = status.check(request, **form.cleaned_data)
    except status.TooManyTries as refused:
        form.add_error(None, refused.message)
        return "too_many", refused.seconds
    if concern is None:
        form.add_error(None, status.NOT_FOUND)
        return "not_found", 0
    status.remember(request, concern)
    return "found", 0


def _replayed(request) -> tuple[StatusForm, str, int] | None:
    """The form as a link filled it in, with its errors, once, after its redirect (the
    answer is not checked again, nor counted twice)."""
    kept = request.session.pop(LINK_KEY, None)
    if not isinstance(kept, dict) or not isinstance(kept.get("data"), dict):
        return None
    form = StatusForm({k: str(kept["data"].get(k, ""))[:500] for k in ("reference", "code")})
    form.is_valid()
    outcome, seconds = kept.get("outcome"), int(kept.get("seconds") or 0)
    if outcome == "too_many":
        form.add_error(None, status.TooManyTries(seconds).message)
    elif outcome == "not_found":
        form.add_error(None, status.NOT_FOUND)
    return form, outcome, seconds


ANSWER_STATUS = {"invalid": 400, "not_found": 400, "too_many": 429}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def status_page(request):
    language = public_language(request)
    query = request.GET
    if request.method == "POST" and "forget" in request.POST:
        # "Check another concern" (or leave a shared computer): the result is gone.
        status.forget(request)
        return _clean_address(language)
    if request.method == "GET" and ("ref" in query or "code" in query):
        # The email's link: read once, and answered with a redirect to the bare address,
        # so that the code stays in no address bar, history or page.
        form = StatusForm({"reference": query.get("ref", ""), "code": query.get("code", "")})
        outcome, seconds = _check(request, form)
        if outcome != "found":
            typed = {name: form.data[name][: FIELD_MAX * 5] for name in ("reference", "code")}
            request.session[LINK_KEY] = {"data": typed, "outcome": outcome, "seconds": seconds}
        return _clean_address(language, link=True)
    result, outcome, seconds = None, "", 0
    if request.method == "POST":
        form = StatusForm(request.POST)
        outcome, seconds = _check(request, form)
        if outcome == "found":
            return _clean_address(language)
    elif replayed := _replayed(request):
        form, outcome, seconds = replayed
    else:
        form = StatusForm()
        concern = status.remembered(request)
        result = status.public_status(concern) if concern is not None else None
    response = render(
        request,
        "concerns/status.html",
        {"form": form, "result": result, "language": language},
        status=ANSWER_STATUS.get(outcome, 200),
    )
    if outcome == "too_many":
        response["Retry-After"] = str(max(1, seconds))
    return remember_language(response, language)
