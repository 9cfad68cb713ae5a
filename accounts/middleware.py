"""Session limits: signed out after CRD_SESSION_IDLE_MINUTES without a request, and
CRD_SESSION_ABSOLUTE_HOURS after signing in, whatever happens in between (CJIS 5.5.5;
ASVS 3.3). The times are kept in the session; the last-seen time is written at most once
a minute so a busy page does not write the session on every request."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

SIGNED_IN = "crd_signed_in_at"
LAST_SEEN = "crd_last_seen_at"
IDLE_MESSAGE = _("You were signed out after %d minutes without activity. Sign in again.")
ABSOLUTE_MESSAGE = _("You were signed out %d hours after signing in. Sign in again.")


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN] = now
        request.session[LAST_SEEN] = now


class SessionLimits:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(SIGNED_IN, now)
            seen = session.get(LAST_SEEN, now)
            idle = settings.CRD_SESSION_IDLE_MINUTES
            absolute = settings.CRD_SESSION_ABSOLUTE_HOURS
            reason = ""
            if now - seen > idle * 60:
                reason = IDLE_MESSAGE % idle
            elif now - started > absolute * 3600:
                reason = ABSOLUTE_MESSAGE % absolute
            if reason:
                request.audit_detail = reason
                logout(request)
                messages.info(request, reason)
                return redirect_to_login(request.get_full_path())
            if SIGNED_IN not in session:
                session[SIGNED_IN] = now
            if now - seen >= 60 or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        if user is not None:
            request.user = resolved(user)
        return self.get_response(request)


def resolved(obj):
    """The object behind Django's lazy wrappers. request.user is two of them (the session's
    user inside django-otp's), and a page reads it a few hundred times (each permission
    asked, each row's next step): a list page went through the wrappers 2,275 times, 1 to
    2 ms of its CPU (docs/PERFORMANCE.md). Once the user is known, as it is here, the page
    reads the user itself."""
    while isinstance(obj, LazyObject):
        if obj._wrapped is empty:
            obj._setup()
        obj = obj._wrapped
    return obj
