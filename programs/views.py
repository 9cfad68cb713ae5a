from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, DecimalField, IntegerField, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, csv_download, require_permission, show_errors
from programs import services
from programs.forms import EvaluationDecisionForm, EvaluationForm, ProgramForm
from programs.models import Program, ProgramEvaluation, session_totals


def _registry(request):
    qs = Program.objects.select_related("coordinator").annotate(
        session_count=Count("sessions"),
        attendance_total=Coalesce(Sum("sessions__attendance"), Value(0, IntegerField())),
        hours_total=Coalesce(Sum("sessions__staff_hours"), Value(0, DecimalField())),
        cost_total=Coalesce(Sum("sessions__materials_cost"), Value(0, DecimalField())),
        last_session=Max("sessions__date"),
    )
    status = request.GET.get("status", "")
    if status in Program.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("name"), status


def program_list(request):
    require_permission(request, Permission.VIEW_PROGRAMS)
    qs, status = _registry(request)
    return render(
        request,
        "programs/program_list.html",
        {
            "page": paginate(qs, request.GET.get("page")),
            "status": status,
            "statuses": Program.Status.choices,
            "query": f"status={status}" if status else "",
            "can_manage": has_permission(request.user, Permission.MANAGE_PROGRAMS),
            "breadcrumbs": crumbs((_("Programs"), None)),
        },
    )


def program_export(request):
    require_permission(request, Permission.VIEW_PROGRAMS)
    qs, _status = _registry(request)
    header = [
        "name",
        "category",
        "status",
        "coordinator",
        "schedule",
        "objectives",
        "sessions",
        "attendance",
        "staff_hours",
        "materials_cost",
        "last_session",
    ]

    def rows():
        for p in qs.iterator(chunk_size=500):
            yield (
                p.name,
                p.get_category_display(),
                p.get_status_display(),
                p.coordinator.display_name if p.coordinator else "",
                p.schedule,
                p.objectives,
                p.session_count,
                p.attendance_total,
                p.hours_total,
                p.cost_total,
                p.last_session.isoformat() if p.last_session else "",
            )

    return csv_download(header, rows(), "programs.csv")


def _half_year_totals(program):
    """Totals per half-year, in one grouped query."""
    rows = (
        program.sessions.annotate(year=ExtractYear("date"), month=ExtractMonth("date"))
        .values("year")
        .annotate(
            first_sessions=Count("id", filter=Q(month__lte=6)),
            first_attendance=Sum("attendance", filter=Q(month__lte=6)),
            first_hours=Sum("staff_hours", filter=Q(month__lte=6)),
            first_cost=Sum("materials_cost", filter=Q(month__lte=6)),
            second_sessions=Count("id", filter=Q(month__gt=6)),
            second_attendance=Sum("attendance", filter=Q(month__gt=6)),
            second_hours=Sum("staff_hours", filter=Q(month__gt=6)),
            second_cost=Sum("materials_cost", filter=Q(month__gt=6)),
        )
        .order_by("-year")
    )
    periods = []
    for row in rows:
        for months, prefix in ((_("July–December"), "second"), (_("January–June"), "first")):
            if row[f"{prefix}_sessions"]:
                attendance = row[f"{prefix}_attendance"] or 0
                cost = row[f"{prefix}_cost"] or 0
                periods.append(
                    {
                        "label": f"{months} {row['year']}",
                        "sessions": row[f"{prefix}_sessions"],
                        "attendance": attendance,
                        "hours": row[f"{prefix}_hours"] or 0,
                        "cost": cost,
                        "per_attendee": round(cost / attendance, 2) if attendance else None,
                    }
                )
    return periods


def program_detail(request, pk):
    require_permission(request, Permission.VIEW_PROGRAMS)
    program = get_object_or_404(
        Program.objects.select_related("coordinator", "proposed_by", "approved_by"), pk=pk
    )
    evaluations = list(program.evaluations.select_related("evaluator", "decided_by"))
    if not has_permission(request.user, Permission.VIEW_EVALUATIONS):
        evaluations = [e for e in evaluations if e.status == ProgramEvaluation.Status.ACCEPTED]
    accepted = [e for e in evaluations if e.status == ProgramEvaluation.Status.ACCEPTED]
    last_end = max((e.period_end for e in accepted), default=None)
    periods = _half_year_totals(program)
    peak = max((p["attendance"] for p in periods), default=0)
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "partners": program.partners.all(),
            # Only the sessions this person may open (the totals count them all).
            "sessions": program.sessions.visible_to(request.user)
            .select_related("organization")
            .order_by("-date", "-id")[:20],
            "totals": session_totals(program.sessions.all()),
            "periods": periods,
            "peak": peak or 1,
            "evaluations": evaluations,
            "due": program.evaluation_due(last_end),
            "today": timezone.localdate(),
            "moves": services.available_moves(request.user, program),
            "can_manage": has_permission(request.user, Permission.MANAGE_PROGRAMS),
            "can_evaluate": has_permission(request.user, Permission.EVALUATE_PROGRAMS)
            and program.status in (Program.Status.ACTIVE, Program.Status.SUSPENDED),
            "can_log_session": program.status in (Program.Status.APPROVED, Program.Status.ACTIVE),
            "can_see_evaluations": has_permission(request.user, Permission.VIEW_EVALUATIONS),
            "breadcrumbs": crumbs((_("Programs"), reverse("programs:list")), (program.name, None)),
        },
    )


@require_http_methods(["GET", "POST"])
def program_edit(request, pk=None):
    require_permission(request, Permission.MANAGE_PROGRAMS)
    instance = get_object_or_404(Program, pk=pk) if pk else None
    form = ProgramForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        if instance:
            program = services.update_program(by=request.user, form=form)
            messages.success(request, _("The program was saved."))
        else:
            program = services.propose_program(by=request.user, form=form)
            messages.success(request, _("The program was proposed; the Chief approves it."))
        return redirect(program)
    title = _("Edit %(name)s") % {"name": instance.name} if instance else _("Propose a program")
    return render(
        request,
        "outreach/form.html",
        {
            "form": form,
            "title": title,
            "intro": ""
            if instance
            else _("A new program starts as proposed until the Chief approves it."),
            "breadcrumbs": crumbs((_("Programs"), reverse("programs:list")), (title, None)),
        },
    )


@require_POST
def program_move(request, pk, move):
    if move not in services.MOVES:
        raise Http404
    program = get_object_or_404(Program, pk=pk)
    try:
        services.change_status(program=program, by=request.user, move=move)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The program was %(action)s.") % {"action": services.MOVES[move].label}
        )
    return redirect(program)


# --- Evaluations ----------------------------------------------------------------------


def evaluation_schedule(request):
    require_permission(request, Permission.VIEW_EVALUATIONS)
    waiting = ProgramEvaluation.objects.filter(
        status=ProgramEvaluation.Status.SUBMITTED
    ).select_related("program", "evaluator")
    return render(
        request,
        "programs/schedule.html",
        {
            "rows": services.evaluation_schedule(),
            "waiting": waiting,
            "breadcrumbs": crumbs(
                (_("Programs"), reverse("programs:list")), (_("Evaluation schedule"), None)
            ),
        },
    )


def _evaluation_page(request, program, form, evaluation=None, status=200):
    preview = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        preview = session_totals(
            program.sessions.filter(date__gte=data["period_start"], date__lte=data["period_end"])
        )
    elif evaluation is not None:
        preview = session_totals(evaluation.period_sessions())
    else:
        preview = session_totals(
            program.sessions.filter(
                date__gte=form.initial["period_start"], date__lte=form.initial["period_end"]
            )
        )
    title = (
        _("Revise the evaluation")
        if evaluation
        else _("Evaluate %(name)s") % {"name": program.name}
    )
    return render(
        request,
        "programs/evaluation_form.html",
        {
            "form": form,
            "program": program,
            "preview": preview,
            "title": title,
            "breadcrumbs": crumbs(
                (_("Programs"), reverse("programs:list")),
                (program.name, program.get_absolute_url()),
                (title, None),
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def evaluation_new(request, pk):
    require_permission(request, Permission.EVALUATE_PROGRAMS)
    program = get_object_or_404(Program, pk=pk)
    form = EvaluationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.start_evaluation(program=program, by=request.user, form=form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The evaluation was saved as a draft."))
            return redirect(evaluation)
    return _evaluation_page(request, program, form)


@require_http_methods(["GET", "POST"])
def evaluation_edit(request, pk):
    require_permission(request, Permission.EVALUATE_PROGRAMS)
    evaluation = get_object_or_404(ProgramEvaluation.objects.select_related("program"), pk=pk)
    form = EvaluationForm(request.POST or None, instance=evaluation)
    if request.method == "POST" and form.is_valid():
        try:
            services.revise_evaluation(evaluation=evaluation, by=request.user, form=form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The evaluation was saved."))
            return redirect(evaluation)
    return _evaluation_page(request, evaluation.program, form, evaluation)


def evaluation_detail(request, pk, *, decision_form=None, status=200):
    require_permission(request, Permission.VIEW_EVALUATIONS)
    evaluation = get_object_or_404(
        ProgramEvaluation.objects.select_related("program", "evaluator", "decided_by"), pk=pk
    )
    return render(
        request,
        "programs/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "program": evaluation.program,
            "sessions": evaluation.period_sessions().order_by("date"),
            "can_evaluate": has_permission(request.user, Permission.EVALUATE_PROGRAMS),
            "can_decide": has_permission(request.user, Permission.DECIDE_PROGRAMS),
            "decision_form": decision_form or EvaluationDecisionForm(),
            "breadcrumbs": crumbs(
                (_("Programs"), reverse("programs:list")),
                (evaluation.program.name, evaluation.program.get_absolute_url()),
                (_("Evaluation"), None),
            ),
        },
        status=status,
    )


@require_POST
def evaluation_submit(request, pk):
    evaluation = get_object_or_404(ProgramEvaluation, pk=pk)
    try:
        services.submit_evaluation(evaluation=evaluation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent to the Chief."))
    return redirect(evaluation)


@require_POST
def evaluation_decide(request, pk, decision):
    if decision not in ("approve", "return"):
        raise Http404
    evaluation = get_object_or_404(ProgramEvaluation, pk=pk)
    form = EvaluationDecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_evaluation(
            evaluation=evaluation,
            by=request.user,
            decision=decision,
            comment=form.cleaned_data.get("comment", ""),
            program_move=form.cleaned_data.get("program_move", "") if decision == "approve" else "",
        )
    except ValidationError as error:
        show_errors(form, error)
        return evaluation_detail(request, pk, decision_form=form, status=400)
    messages.success(
        request,
        _("The evaluation was accepted.") if decision == "approve" else _("Returned to the CRO."),
    )
    return redirect(evaluation)
