import datetime as dt

from axes.utils import reset
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.forms import AgencyForm, ClosureForm
from accounts.lockout import housekeeping, is_locked, locked_usernames
from accounts.models import Agency, Closure, User
from accounts.services import update_agency
from accounts.working_days import working_calendar
from audit import trail as audit
from audit.models import AuditEvent
from core.permissions import Permission, has_permission
from core.web import crumbs


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
    """Usernames locked after failures from many clients, and the button that unlocks each
    (the CRO, the Chief, administrators). A lock also ends by itself (accounts.lockout)."""
    if not has_permission(request.user, Permission.UNLOCK_ACCOUNTS):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username and is_locked(username):
            with housekeeping():  # this page records the unlock itself, with its reason
                reset(username=username)
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
    locked = locked_usernames()[:500]
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


def closures(request):
    """The agency's own closures, and the public holidays counted beside them: which
    weekdays are not working days (accounts/working_days.py). Those who keep the agency
    profile add and remove them; a day already listed is refused, so a double submit adds
    one."""
    if not has_permission(request.user, Permission.EDIT_AGENCY):
        raise PermissionDenied
    form = ClosureForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            pk = request.POST.get("pk", "")
            if pk.isdigit() and Closure.objects.filter(pk=int(pk)).delete()[0]:
                messages.success(request, _("The closure was removed."))
            return redirect("accounts:closures")
        if form.is_valid():
            closure = form.save()
            messages.success(
                request, _("%(day)s is now a closure.") % {"day": date_format(closure.day)}
            )
            return redirect("accounts:closures")
    today = timezone.localdate()
    calendar = working_calendar()
    agency = Agency.load()
    return render(
        request,
        "accounts/closures.html",
        {
            "form": form,
            "agency": agency,
            "upcoming": Closure.objects.filter(day__gte=today),
            "past": Closure.objects.filter(
                day__lt=today, day__gte=today - dt.timedelta(days=365)
            ).reverse(),
            "holidays": [
                (day, name)
                for day, name, own in calendar.days_off(today, today + dt.timedelta(days=365))
                if not own
            ],
            "breadcrumbs": crumbs(
                (_("Agency profile"), reverse("accounts:agency")),
                (_("Closures and holidays"), None),
            ),
        },
    )
