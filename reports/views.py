from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.paging import paginate
from accounts.permissions import Permission, has_permission
from accounts.web import crumbs, require_permission
from concerns.forms import DateInput
from reports import services
from reports.builders import NARRATIVES
from reports.models import Report
from reports.pdf import report_context
from reports.periods import calendar_rows, due_date


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(choices=Report.Kind.choices, label="Report")
    day = forms.DateField(
        label="Any day in the period", widget=DateInput(), help_text="e.g. a day of the quarter"
    )


def report_list(request):
    require_permission(request, Permission.VIEW_REPORTS)
    kind = request.GET.get("kind", "")
    qs = Report.objects.select_related("created_by", "decided_by")
    if kind in Report.Kind.values:
        qs = qs.filter(kind=kind)
    today = timezone.localdate()
    return render(
        request,
        "reports/report_list.html",
        {
            "calendar": calendar_rows(today),
            "page": paginate(
                qs.order_by("-period_start", "kind", "-version"), request.GET.get("page")
            ),
            "kind": kind,
            "kinds": Report.Kind.choices,
            "query": f"kind={kind}" if kind else "",
            "form": GenerateForm(initial={"kind": Report.Kind.QUARTERLY, "day": today}),
            "can_manage": has_permission(request.user, Permission.MANAGE_REPORTS),
            "breadcrumbs": crumbs(("Reports", None)),
        },
    )


@require_POST
def report_generate(request):
    require_permission(request, Permission.MANAGE_REPORTS)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a report and a day in its period.")
        return redirect("reports:list")
    try:
        report = services.generate_report(
            kind=form.cleaned_data["kind"], day=form.cleaned_data["day"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:list")
    messages.success(request, f"Draft version {report.version} created from the data.")
    return redirect(report)


def report_detail(request, pk, *, errors=None, status=200):
    require_permission(request, Permission.VIEW_REPORTS)
    report = get_object_or_404(Report.objects.select_related("created_by", "decided_by"), pk=pk)
    context = report_context(report)
    due = due_date(report.kind, report.period_end)
    context.update(
        due=due,
        late=timezone.localdate() > due,
        errors=errors or {},
        can_manage=has_permission(request.user, Permission.MANAGE_REPORTS),
        can_decide=has_permission(request.user, Permission.DECIDE_REPORTS),
        rendering=report.render_state in (Report.Render.QUEUED, Report.Render.RUNNING),
        versions=Report.objects.filter(kind=report.kind, period_start=report.period_start)
        .exclude(pk=report.pk)
        .order_by("-version"),
        breadcrumbs=crumbs(("Reports", reverse("reports:list")), (str(report), None)),
    )
    return render(request, "reports/report_detail.html", context, status=status)


@require_POST
def report_narratives(request, pk):
    report = get_object_or_404(Report, pk=pk)
    keys = [key for key, _ in NARRATIVES[report.kind]]
    try:
        services.save_narratives(
            report=report, by=request.user, narratives={k: request.POST.get(k, "") for k in keys}
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The narratives were saved.")
    return redirect(report)


def _step(request, pk, action, success):
    report = get_object_or_404(Report, pk=pk)
    try:
        action(report)
    except ValidationError as error:
        errors = getattr(error, "message_dict", {"__all__": error.messages})
        return report_detail(request, pk, errors=errors, status=400)
    messages.success(request, success)
    return redirect(report)


@require_POST
def report_submit(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.submit_report(
            report=r, by=request.user, late_reason=request.POST.get("late_reason", "")
        ),
        "Submitted to the Chief. The figures are now frozen.",
    )


@require_POST
def report_return(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.return_report(
            report=r, by=request.user, comment=request.POST.get("comment", "")
        ),
        "Returned to the CRO.",
    )


@require_POST
def report_approve(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.approve_report(
            report=r, by=request.user, comment=request.POST.get("comment", "")
        ),
        "Approved. The final PDF is being rendered.",
    )


@require_POST
def report_render(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.request_render(report=r, by=request.user),
        "The PDF is being rendered.",
    )


def report_pdf(request, pk):
    require_permission(request, Permission.VIEW_REPORTS)
    report = get_object_or_404(Report, pk=pk)
    if not report.pdf:
        raise Http404
    response = FileResponse(report.pdf.open("rb"), content_type="application/pdf")
    name = report.pdf.name.rsplit("/", 1)[-1]
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
