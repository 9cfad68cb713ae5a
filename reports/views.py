import csv
import io
import zipfile

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.conflicts import EditConflict
from core.decisions import Decision
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.replica import replica_for, replica_reads
from core.web import crumbs, csv_download, require_permission, show_errors
from core.widgets import DateInput
from reports import services
from reports.builders import LISTINGS, listing_lines
from reports.forms import AcceptHitForm, NarrativesForm
from reports.models import Plan, Report
from reports.pdf import report_context
from reports.periods import calendar_rows, due_date
from reports.references import openable_references
from reports.screening import screen_report
from reports.tasks import fail_interrupted_render
from surveys import views as survey_views
from surveys.models import Survey

# A survey's summary is generated from the survey's own page.
PERIODIC_KINDS = [(k, label) for k, label in Report.Kind.choices if k != Report.Kind.SURVEY]


class GenerateForm(forms.Form):
    kind = forms.ChoiceField(choices=PERIODIC_KINDS, label=gettext_lazy("Report"))
    day = forms.DateField(
        label=gettext_lazy("Any day in the period"),
        widget=DateInput(),
        help_text=gettext_lazy("e.g. a day of the quarter"),
    )


@replica_reads
def report_list(request):
    require_permission(request, Permission.VIEW_REPORTS)
    kind = request.GET.get("kind", "")
    qs = Report.objects.listed().select_related("created_by", "decided_by", "survey")
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
            "this_year": today.year,
            "archive_form": ArchiveForm(
                initial={"date_from": today.replace(year=today.year - 1, day=1), "date_to": today}
            ),
            "can_manage": has_permission(request.user, Permission.MANAGE_REPORTS),
            "breadcrumbs": crumbs((_("Reports"), None)),
        },
    )


@require_POST
def report_generate(request):
    require_permission(request, Permission.MANAGE_REPORTS)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a report and a day in its period."))
        return redirect("reports:list")
    try:
        report = services.generate_report(
            kind=form.cleaned_data["kind"], day=form.cleaned_data["day"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:list")
    messages.success(
        request, _("Draft version %(version)s created from the data.") % {"version": report.version}
    )
    return redirect(report)


def report_detail(
    request, pk, *, errors=None, narratives_form=None, typed=None, accept_form=None, status=200
):
    """The report, its PDF and the forms of its steps. After a refused save or step, the
    form comes back with what was typed (`narratives_form`, `typed`, `accept_form`) and the
    reasons. A transparency report shows the screening of its public narrative."""
    require_permission(request, Permission.VIEW_REPORTS)
    report = get_object_or_404(
        Report.objects.select_related("created_by", "decided_by", "survey"), pk=pk
    )
    if report.render_state == Report.Render.RUNNING and fail_interrupted_render(report.pk):
        report.refresh_from_db()  # its worker died: shown failed, with "Try again"
    with replica_for(request):  # the figures of a draft are counted live: the heavy part
        context = report_context(report)
    hits = screen_report(report)
    due = due_date(report.kind, report.period_end)
    can_manage = has_permission(request.user, Permission.MANAGE_REPORTS)
    context.update(
        due=due,
        late=timezone.localdate() > due,
        errors=errors or {},
        typed=typed or {},
        narratives_form=narratives_form
        or NarrativesForm(report=report, narratives=context["narratives"]),
        can_manage=can_manage,
        editing=can_manage and report.is_editable,
        can_decide=has_permission(request.user, Permission.DECIDE_REPORTS),
        openable_refs=openable_references(request.user, context["data"]),
        rendering=report.is_rendering,
        screening=hits,
        uncleared=sum(not hit.accepted for hit in hits),
        accept_form=accept_form,
        versions=Report.objects.listed()
        .filter(kind=report.kind, period_start=report.period_start, survey=report.survey_id)
        .exclude(pk=report.pk)
        .order_by("-version"),
        breadcrumbs=crumbs((_("Reports"), reverse("reports:list")), (str(report), None)),
    )
    return render(request, "reports/report_detail.html", context, status=status)


@require_POST
def report_narratives(request, pk):
    require_permission(request, Permission.MANAGE_REPORTS)
    report = get_object_or_404(Report, pk=pk)
    form = NarrativesForm(
        request.POST, report=report, narratives=report_context(report)["narratives"]
    )
    if form.is_valid():
        try:
            services.save_narratives(
                report=report,
                by=request.user,
                narratives=form.texts,
                revision=form.cleaned_data["revision"],
                seen=form.cleaned_data["seen"],
            )
        except ValidationError as error:
            show_errors(form, error)
            if isinstance(error, EditConflict):
                form.show_stored(error)
        else:
            messages.success(request, _("The narratives were saved."))
            return redirect(report)
    return report_detail(request, pk, narratives_form=form, status=400)


def _step(request, pk, action, success):
    report = get_object_or_404(Report, pk=pk)
    try:
        action(report)
    except ValidationError as error:
        errors = getattr(error, "message_dict", {"__all__": error.messages})
        return report_detail(request, pk, errors=errors, typed=request.POST, status=400)
    messages.success(request, success)
    return redirect(report)


def posted_revision(request) -> int | None:
    """The revision the page was shown with; None from a client that sends none."""
    value = request.POST.get("revision", "")
    return int(value) if value.isdigit() else None


@require_POST
def report_submit(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.submit_report(
            report=r,
            by=request.user,
            late_reason=request.POST.get("late_reason", ""),
            revision=posted_revision(request),
        ),
        _("Submitted to the Chief. The figures are now frozen."),
    )


@require_POST
def report_return(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.decide_report(
            decision=Decision.RETURN,
            report=r,
            by=request.user,
            comment=request.POST.get("comment", ""),
            revision=posted_revision(request),
        ),
        _("Returned to the CRO."),
    )


@require_POST
def report_approve(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.decide_report(
            decision=Decision.APPROVE,
            report=r,
            by=request.user,
            comment=request.POST.get("comment", ""),
            revision=posted_revision(request),
        ),
        _("Approved. The final PDF is being rendered."),
    )


@require_POST
def report_accept_hit(request, pk):
    """The CRO keeps a hit of the screening of the public narrative, saying why."""
    require_permission(request, Permission.MANAGE_REPORTS)
    report = get_object_or_404(Report, pk=pk)
    form = AcceptHitForm(request.POST)
    if form.is_valid():
        try:
            services.accept_screening_hit(report=report, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                _("Accepted: “%(text)s” stays in the text.") % {"text": form.cleaned_data["text"]},
            )
            return redirect(f"{report.get_absolute_url()}#h-screening")
    # What is wrong with the hit itself (no longer in the text, already accepted) is said at
    # the top; a missing reason beside its box.
    errors = {"__all__": form.non_field_errors()} if form.non_field_errors() else None
    return report_detail(request, pk, accept_form=form, errors=errors, status=400)


@require_POST
def report_render_spanish(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.request_spanish_pdf(report=r, by=request.user),
        _("The Spanish PDF is being rendered."),
    )


@require_POST
def report_render(request, pk):
    require_permission(request, Permission.VIEW_REPORTS)
    # A render whose worker died is failed first (with its task), so the retry is taken.
    fail_interrupted_render(pk)
    return _step(
        request,
        pk,
        lambda r: services.request_render(report=r, by=request.user),
        _("The PDF is being rendered."),
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


@replica_reads
def report_listing(request, pk, listing):
    """One listing of the report in full, as CSV: the figures the report holds (frozen
    once submitted), so the file always agrees with the PDF's summary of it."""
    require_permission(request, Permission.VIEW_REPORTS)
    report = get_object_or_404(Report, pk=pk)
    if listing not in LISTINGS.get(report.kind, {}):
        raise Http404
    _name, columns = LISTINGS[report.kind][listing]
    rows = listing_lines(report, listing)
    yes = _("yes")

    def cells(row):
        return [
            (yes if row.get(key) else "") if isinstance(row.get(key), bool) else row.get(key, "")
            for key, _label in columns
        ]

    filename = "{kind}-{start}-v{version}-{listing}.csv".format(
        kind=report.kind.replace("_", "-"),
        start=report.period_start.isoformat(),
        version=report.version,
        listing=listing.replace("_", "-"),
    )
    return csv_download([str(label) for _key, label in columns], map(cells, rows), filename)


# --- The plan -------------------------------------------------------------------------


def plan_detail(request, year, *, errors=None, typed=None, status=200):
    require_permission(request, Permission.VIEW_REPORTS)
    plan = Plan.objects.filter(year=year).select_related("decided_by").first()
    objectives = list(plan.objectives.all()) if plan else []
    return render(
        request,
        "reports/plan.html",
        {
            "year": year,
            "plan": plan,
            "objectives": objectives,
            "objectives_text": typed
            if typed is not None
            else "\n".join(o.text for o in objectives),
            "errors": errors or {},
            "can_manage": has_permission(request.user, Permission.MANAGE_REPORTS),
            "can_decide": has_permission(request.user, Permission.DECIDE_REPORTS),
            "breadcrumbs": crumbs(
                (_("Reports"), reverse("reports:list")),
                (_("Community relations plan %(year)s") % {"year": year}, None),
            ),
        },
        status=status,
    )


def _plan_step(request, year, action, success):
    try:
        action()
    except ValidationError as error:
        errors = getattr(error, "message_dict", {"__all__": error.messages})
        return plan_detail(
            request, year, errors=errors, typed=request.POST.get("objectives"), status=400
        )
    messages.success(request, success)
    return redirect("reports:plan", year=year)


@require_POST
def plan_save(request, year):
    return _plan_step(
        request,
        year,
        lambda: services.save_plan(
            year=year, by=request.user, objectives_text=request.POST.get("objectives", "")
        ),
        _("The objectives were saved."),
    )


@require_POST
def plan_submit(request, year):
    plan = get_object_or_404(Plan, year=year)
    return _plan_step(
        request,
        year,
        lambda: services.submit_plan(plan=plan, by=request.user),
        _("Sent to the Chief."),
    )


@require_POST
def plan_decide(request, year, decision):
    if decision not in ("approve", "return"):
        raise Http404
    plan = get_object_or_404(Plan, year=year)
    return _plan_step(
        request,
        year,
        lambda: services.decide_plan(
            plan=plan,
            by=request.user,
            decision=decision,
            comment=request.POST.get("comment", ""),
        ),
        _("The plan was approved.") if decision == "approve" else _("Returned to the CRO."),
    )


# --- The accreditation file -------------------------------------------------------------


class ArchiveForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Periods from"), widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("to"), widget=DateInput())


def archive_zip(request):
    """Every approved report in a date range, with an index, for an accreditation assessor."""
    require_permission(request, Permission.VIEW_REPORTS)
    form = ArchiveForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Give the first and last dates of the periods to include."))
        return redirect("reports:list")
    start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    reports = (
        Report.objects.listed()
        .filter(status=Report.Status.APPROVED, period_start__gte=start, period_start__lte=end)
        .exclude(pdf_sha256="")
        .select_related("decided_by", "survey")
        .order_by("period_start", "kind", "version")
    )
    buffer = io.BytesIO()
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["file", "report", "period", "version", "approved_by", "approved_at", "sha256"])
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for report in reports:
            name = report.pdf.name.rsplit("/", 1)[-1]
            with report.pdf.open("rb") as pdf:
                archive.writestr(name, pdf.read())
            writer.writerow(
                [
                    name,
                    report.title,
                    report.period_label,
                    report.version,
                    report.decided_by.display_name,
                    timezone.localtime(report.decided_at).isoformat(timespec="minutes"),
                    report.pdf_sha256,
                ]
            )
        archive.writestr("index.csv", index.getvalue())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="community-relations-reports-{start:%Y%m%d}-{end:%Y%m%d}.zip"'
    )
    # In the audit trail as a download (audit.trail.EXPORT_TYPES), saying how many reports.
    response.audit_detail = f"({len(reports)} approved reports)"
    return response


@require_POST
def survey_summary_generate(request, pk):
    """A new version of a survey's written summary, started from the survey's page."""
    require_permission(request, Permission.MANAGE_REPORTS)
    survey = get_object_or_404(Survey, pk=pk)
    try:
        report = services.generate_survey_summary(survey=survey, by=request.user)
    except ValidationError as error:
        errors = getattr(error, "message_dict", {"__all__": error.messages})
        return survey_views.survey_detail(request, pk, errors=errors, status=400)
    messages.success(
        request,
        _("Summary draft version %(version)s created: write the narrative.")
        % {"version": report.version},
    )
    return redirect(report)
