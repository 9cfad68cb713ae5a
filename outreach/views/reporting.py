"""Pages for the community input officers owe the CRO (003 1.b): who reports and who is
overdue, assigning the duty, and the officer's own report form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission
from outreach import input_due, services
from outreach.forms import AssignmentForm, CommunityInputForm
from outreach.models import CommunityInputReport


def reporting_status(request):
    require_permission(request, Permission.VIEW_REPORTING_STATUS)
    today = timezone.localdate()
    # One query for every duty and its last report; the due date is worked out per row
    # from those two dates (outreach/input_due.py), with no query per row.
    rows = [
        {"assignment": a, "last": a.last_report, "status": input_due.status_of(a, today)}
        for a in input_due.active_assignments()
    ]
    rows.sort(key=lambda r: (-r["status"].days_overdue, r["status"].due, str(r["assignment"])))
    recent = CommunityInputReport.objects.select_related("assignment__officer")[:20]
    return render(
        request,
        "outreach/reporting_status.html",
        {
            "rows": rows,
            "recent": recent,
            "due_days": input_due.INPUT_DUE_DAYS,
            "form": AssignmentForm(),
            "can_assign": has_permission(request.user, Permission.MANAGE_ORGANIZATIONS),
            "breadcrumbs": crumbs((_("Community input from officers"), None)),
        },
    )


@require_POST
def assignment_add(request):
    require_permission(request, Permission.MANAGE_ORGANIZATIONS)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        services.save_assignment(by=request.user, form=form)
        messages.success(request, _("The reporting duty was added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("outreach:reporting")


@require_http_methods(["GET", "POST"])
def community_input_new(request):
    # The user's duties with their last reports, in one query.
    assignments = list(input_due.active_assignments().filter(officer=request.user))
    if not assignments or not has_permission(
        request.user, Permission.SUBMIT_COMMUNITY_INPUT, assignment=assignments[0]
    ):
        raise PermissionDenied
    form = CommunityInputForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for assignment in assignments:
            services.submit_community_input(
                by=request.user, assignment=assignment, data=form.cleaned_data
            )
        messages.success(request, _("Your community input was sent to the CRO."))
        return redirect("home")
    today = timezone.localdate()
    # With several duties, the one owed soonest speaks for all: one report answers them all.
    owed = min((input_due.status_of(a, today) for a in assignments), key=lambda s: s.due)
    last = max((a.last_report for a in assignments if a.last_report), default=None)
    duties = ", ".join(a.get_duty_display().lower() for a in assignments)
    return render(
        request,
        "outreach/community_input.html",
        {
            "form": form,
            "title": _("Report community input"),
            "breadcrumbs": crumbs((_("Report community input"), None)),
            "duties": duties,
            "status": owed,
            "last": last,
            "due_days": input_due.INPUT_DUE_DAYS,
        },
    )
