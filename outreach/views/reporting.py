"""Pages for the community input officers owe the CRO (003 1.b): who reports and who is
overdue, assigning the duty, and the officer's own report form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission
from outreach import services
from outreach.forms import AssignmentForm, CommunityInputForm
from outreach.models import CommunityInputReport, ReportingAssignment
from outreach.views._common import _form_page


def reporting_status(request):
    require_permission(request, Permission.VIEW_REPORTING_STATUS)
    latest = CommunityInputReport.objects.filter(assignment=OuterRef("pk")).order_by(
        "-submitted_on"
    )
    assignments = (
        ReportingAssignment.objects.filter(is_active=True)
        .select_related("officer")
        .annotate(last_report=Subquery(latest.values("submitted_on")[:1]))
    )
    today = timezone.localdate()
    rows = []
    for a in assignments:
        last = a.last_report or a.since
        rows.append(
            {
                "assignment": a,
                "last": a.last_report,
                "overdue": (today - last).days > services.REPORT_EVERY_DAYS,
                "days": (today - last).days,
            }
        )
    rows.sort(key=lambda r: (not r["overdue"], -r["days"]))
    recent = CommunityInputReport.objects.select_related("assignment__officer")[:20]
    return render(
        request,
        "outreach/reporting_status.html",
        {
            "rows": rows,
            "recent": recent,
            "every": services.REPORT_EVERY_DAYS,
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
    assignments = list(request.user.reporting_assignments.filter(is_active=True))
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
    last = (
        CommunityInputReport.objects.filter(assignment__in=assignments)
        .aggregate(last=Max("submitted_on"))
        .get("last")
    )
    duties = ", ".join(a.get_duty_display().lower() for a in assignments)
    intro = _(
        "As %(duties)s, you report community input to the CRO at least four times a year."
    ) % {"duties": duties}
    if last:
        intro += " " + _("Your last report: %(day)s.") % {"day": date_format(last, "F j, Y")}
    return _form_page(
        request,
        form,
        _("Report community input"),
        crumbs((_("Report community input"), None)),
        intro=intro,
    )
