import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import ratelimit
from accounts.forms import AgencyForm
from accounts.lockout import locked_usernames
from accounts.models import Agency, User
from accounts.services import update_agency
from audit import trail as audit
from audit.models import AuditEvent
from core.permissions import Permission, has_permission
from core.web import client_key, crumbs


def agency_edit(request):
    if not has_permission(request.user, Permission.EDIT_AGENCY):
        raise PermissionDenied
    agency = Agency.load()
    form = AgencyForm(request.POST or None, request.FILES or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        update_agency(by=request.user, form=form)
        messages.success(request, _("The agency profile was saved."))
        return redirect("accounts:agency")
    return render(request, "accounts/agency_form.html", {"form": form, "agency": agency})


def locked_accounts(request):
    """Accounts locked after too many failed sign-ins, and the button that unlocks each
    (the CRO, the Chief, administrators)."""
    from axes.utils import reset

    if not has_permission(request.user, Permission.UNLOCK_ACCOUNTS):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username and reset(username=username):
            audit.record(
                AuditEvent.Action.UNLOCK,
                request=request,
                detail=f"Unlocked {username}"[:500],
            )
            messages.success(
                request,
                _("“%(username)s” is unlocked and can sign in again.") % {"username": username},
            )
        else:
            messages.info(request, _("“%(username)s” was not locked.") % {"username": username})
        return redirect("accounts:locked")
    locked = list(locked_usernames()[:500])
    known = dict(
        User.objects.filter(username__in=[row["username"] for row in locked]).values_list(
            "username", "last_name"
        )
    )
    for row in locked:
        row["is_member"] = row["username"] in known
    return render(
        request,
        "accounts/locked.html",
        {"locked": locked, "breadcrumbs": crumbs((_("Locked accounts"), None))},
    )


LOGIN_CLIENT_LIMIT = 30  # failed sign-ins from one client in 15 minutes, whatever usernames
LOGIN_CLIENT_WINDOW = 15
LOGIN_THROTTLED = gettext_lazy(
    "Too many failed sign-ins from this connection. Wait 15 minutes, or ask the Community "
    "Relations Officer or an administrator for help."
)


class LoginView(auth_views.LoginView):
    """Django's sign-in, with a limit per client on top of the lock per username: one
    address trying many usernames is slowed down too (the lock alone would never see it).
    Counted by the one rate limiter (accounts.ratelimit)."""

    def post(self, request, *args, **kwargs):
        key = client_key(request)
        window = dt.timedelta(minutes=LOGIN_CLIENT_WINDOW)
        if ratelimit.exceeded("sign-in", key, limit=LOGIN_CLIENT_LIMIT, window=window):
            form = self.get_form()
            form.add_error(None, LOGIN_THROTTLED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: a failed sign-in
            ratelimit.record("sign-in", key)
        return response


def agency_logo(request):
    """The letterhead logo, for the agency page (stored files are never served by URL)."""
    from django.http import FileResponse, Http404

    if not has_permission(request.user, Permission.EDIT_AGENCY):
        raise PermissionDenied
    agency = Agency.load()
    if not agency.logo:
        raise Http404
    content_type = "image/png" if agency.logo.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(agency.logo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
