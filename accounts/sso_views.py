"""The two pages of a directory sign-in (accounts/sso.py): the start, which sends the
browser to the directory with a state, a nonce and a PKCE challenge, and the callback, which
takes the directory's answer, checks it, and signs the person in or says why not. Every
sign-in and refusal is written to the audit trail."""

import logging

from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import View
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import sso
from accounts.mfa import mfa_required
from audit import trail as audit
from audit.models import AuditEvent

log = logging.getLogger(__name__)

EXPIRED = _(
    "This sign-in was started too long ago, or in another window. Start again from the "
    "sign-in page."
)
DIRECTORY_SAID_NO = _("The directory did not sign you in ({reason}).")


def _refused(request, message, detail: str, *, status: int = 403, user=None):
    audit.record(AuditEvent.Action.LOGIN_FAILED, request=request, user=user, detail=detail)
    response = render(request, "accounts/sso_refused.html", {"refusal": message}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _unreachable(request, error):
    log.warning("The directory cannot be reached: %s", error)
    detail = f"Single sign-on: the directory could not be reached ({error})"[:500]
    return _refused(request, sso.UNREACHABLE, detail, status=503)


class Start(OIDCAuthenticationRequestView):
    """To the directory, with the page to come back to kept in the session."""

    get_settings = staticmethod(sso.option)

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)

    def get(self, request):
        if not sso.enabled():
            raise Http404
        try:
            document = sso.discovery()
        except sso.DirectoryUnavailable as error:
            return _unreachable(request, error)
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = sso.option("OIDC_RP_CLIENT_ID")
        return super().get(request)


start = login_not_required(never_cache(Start.as_view()))


@login_not_required
@never_cache
def callback(request):
    """The directory's answer: an error, or a code for the state this browser was given."""
    if not sso.enabled():
        raise Http404
    states = request.session.get("oidc_states", {})
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if state else None
    if entry is not None:
        request.session["oidc_states"] = states  # a state is used once
    error = request.GET.get("error")
    if error:
        description = request.GET.get("error_description", "")
        return _refused(
            request,
            DIRECTORY_SAID_NO.format(reason=error[:60]),
            f"Single sign-on: the directory refused ({error}) {description}".strip()[:500],
        )
    if entry is None or not request.GET.get("code"):
        return _refused(
            request,
            EXPIRED,
            "Single sign-on: an answer for no sign-in begun in this browser",
            status=400,
        )
    backend = sso.DirectoryBackend()
    try:
        user, claims = backend.sign_in(
            request, nonce=entry.get("nonce", ""), code_verifier=entry.get("code_verifier")
        )
    except sso.Refused as refusal:
        return _refused(request, refusal.message, refusal.detail, user=refusal.user)
    except sso.DirectoryUnavailable as failure:
        return _unreachable(request, failure)
    except sso.UNCHECKED_ERRORS as failure:
        log.warning("A directory answer did not check out: %r", failure)
        return _refused(
            request,
            sso.UNCHECKED,
            f"Single sign-on: the directory's answer did not check out ({failure})"[:500],
        )
    return _sign_in(request, user, claims)


def _sign_in(request, user, claims: dict):
    next_url = request.session.get("oidc_login_next") or reverse("home")
    factor = sso.second_factor(claims)
    if factor:
        detail = f"Single sign-on; second factor by the directory ({factor})"
    elif mfa_required(user):
        setattr(request, audit.SECOND_FACTOR_DUE, True)
        detail = "Single sign-on; second factor due here"
    else:
        detail = "Single sign-on"
    setattr(request, audit.SIGN_IN_DETAIL, detail)
    user.backend = sso.BACKEND
    auth.login(request, user)
    if factor:
        otp_login(request, sso.directory_factor(user))
    return redirect(next_url)
