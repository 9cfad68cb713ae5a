import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max, OuterRef, Subquery, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import lookups
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, csv_download, require_permission, show_errors
from outreach import services
from outreach.filters import ActivityFilter, OrganizationFilter
from outreach.forms import (
    ActivityForm,
    AssignmentForm,
    CommunityInputForm,
    DecisionForm,
    DeliveredForm,
    DistributionForm,
    MaterialForm,
    OrganizationForm,
    ParticipantForm,
    RecognitionForm,
    ScheduleForm,
    TrainingNeedForm,
)
from outreach.models import (
    CommunityInputReport,
    CommunityOrganization,
    Material,
    OutreachActivity,
    Participant,
    Recognition,
    ReportingAssignment,
    TrainingNeed,
)
from outreach.models.activities import program_model

STALE_DAYS = 90


def _form_page(request, form, title, crumbs, *, enctype=False, intro=""):
    return render(
        request,
        "outreach/form.html",
        {"form": form, "title": title, "breadcrumbs": crumbs, "multipart": enctype, "intro": intro},
    )


# --- Organizations --------------------------------------------------------------------


def organization_lookup(request):
    """Active organizations whose name holds what was typed, for a long pick-list's filter
    box (core.widgets.LookupSelect), by name, as JSON."""
    require_permission(request, Permission.VIEW_ORGANIZATIONS)
    found = CommunityOrganization.objects.active().order_by("name", "pk")
    if text := lookups.typed(request):
        found = found.filter(name__icontains=text)
    return lookups.results(found.values_list("pk", "name")[: lookups.RESULTS + 1])


def organization_list(request):
    require_permission(request, Permission.VIEW_ORGANIZATIONS)
    filterset = OrganizationFilter(
        request.GET or None,
        queryset=CommunityOrganization.objects.with_last_contact().select_related(
            "liaison_officer"
        ),
    )
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    page = paginate(qs, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/organization_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "stale_before": timezone.localdate() - dt.timedelta(days=STALE_DAYS),
            "can_manage": has_permission(request.user, Permission.MANAGE_ORGANIZATIONS),
            "breadcrumbs": crumbs((_("Community organizations"), None)),
        },
    )


def organization_detail(request, pk):
    require_permission(request, Permission.VIEW_ORGANIZATIONS)
    organization = get_object_or_404(
        CommunityOrganization.objects.with_last_contact().select_related("liaison_officer"), pk=pk
    )
    activities = (
        OutreachActivity.objects.visible_to(request.user)
        .filter(organization=organization)
        .for_list()[:25]
    )
    # The concerns app sits above this one: its rows are reached through the link they hold.
    concerns = organization.concerns.visible_to(request.user).for_list()[:25]
    last = organization.last_contact
    return render(
        request,
        "outreach/organization_detail.html",
        {
            "organization": organization,
            "activities": activities,
            "concerns": concerns,
            "days_since": (timezone.localdate() - last).days if last else None,
            "stale_days": STALE_DAYS,
            "can_manage": has_permission(request.user, Permission.MANAGE_ORGANIZATIONS),
            "breadcrumbs": crumbs(
                (_("Community organizations"), reverse("outreach:organizations")),
                (organization.name, None),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def organization_edit(request, pk=None):
    require_permission(request, Permission.MANAGE_ORGANIZATIONS)
    instance = get_object_or_404(CommunityOrganization, pk=pk) if pk else None
    form = OrganizationForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        organization = services.save_organization(by=request.user, form=form)
        messages.success(request, _("%(name)s was saved.") % {"name": organization.name})
        return redirect(organization)
    title = (
        _("Edit %(name)s") % {"name": instance.name}
        if instance
        else _("Add a community organization")
    )
    return _form_page(
        request,
        form,
        title,
        crumbs((_("Community organizations"), reverse("outreach:organizations")), (title, None)),
    )


# --- Activities -----------------------------------------------------------------------


def get_activity_for(request, pk, *, write=False) -> OutreachActivity:
    """An activity one may not see is a 404; one one may see but not change is a 403."""
    activity = get_object_or_404(
        OutreachActivity.objects.select_related("organization", "logged_by", "program"), pk=pk
    )
    if not OutreachActivity.objects.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    if write and not has_permission(request.user, Permission.EDIT_ACTIVITY, activity=activity):
        raise PermissionDenied
    return activity


def _activity_qs(request):
    filterset = ActivityFilter(
        request.GET or None,
        queryset=OutreachActivity.objects.visible_to(request.user),
        request=request,
    )
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, qs


def activity_list(request):
    require_permission(request, Permission.LOG_ACTIVITY)
    filterset, qs = _activity_qs(request)
    page = paginate(qs.for_list(), request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outreach/activity_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "sees_all": has_permission(request.user, Permission.VIEW_ALL_ACTIVITIES),
            "breadcrumbs": crumbs((_("Outreach activities"), None)),
        },
    )


def activity_export(request):
    require_permission(request, Permission.LOG_ACTIVITY)
    _, qs = _activity_qs(request)
    qs = qs.select_related("organization").prefetch_related("officers")
    header = [
        "date",
        "kind",
        "in_community_services_report",
        "title",
        "organization",
        "area",
        "officers",
        "attendance",
        "staff_hours",
        "materials_cost",
        "summary",
    ]

    def rows():
        for a in qs.iterator(chunk_size=2000):
            yield (
                a.date.isoformat(),
                a.get_kind_display(),
                "yes" if a.in_services_report else "no",
                a.title,
                a.organization.name if a.organization else "",
                a.area,
                "; ".join(o.display_name for o in a.officers.all()),
                a.attendance,
                a.staff_hours,
                a.materials_cost,
                a.summary,
            )

    return csv_download(header, rows(), "outreach-activities.csv")


def activity_detail(request, pk):
    activity = get_activity_for(request, pk)
    show_participants = has_permission(request.user, Permission.VIEW_PARTICIPANTS)
    participants = []
    if show_participants:
        participants = list(activity.participants.all())
        for participant in participants:
            participant.activity = activity  # problems() reads it; no query per row
    concerns = activity.concerns_raised.visible_to(request.user).for_list()
    return render(
        request,
        "outreach/activity_detail.html",
        {
            "activity": activity,
            "officers": activity.officers.all(),
            "concerns": concerns,
            "participants": participants,
            "participant_problems": [(p, p.problems()) for p in participants],
            "blocked": sum(1 for p in participants if p.problems()),
            "show_participants": show_participants,
            "can_manage_participants": has_permission(request.user, Permission.MANAGE_PARTICIPANTS),
            "can_edit": has_permission(request.user, Permission.EDIT_ACTIVITY, activity=activity),
            "can_log_concern": has_permission(request.user, Permission.LOG_CONCERN),
            "distributions": activity.distributions.select_related("material"),
            "breadcrumbs": crumbs(
                (_("Outreach activities"), reverse("outreach:activities")), (activity.title, None)
            ),
        },
    )


def _activity_data(form):
    data = dict(form.cleaned_data)
    officers = data.pop("officers")
    return data, officers


@require_http_methods(["GET", "POST"])
def activity_new(request):
    require_permission(request, Permission.LOG_ACTIVITY)
    initial = {"officers": [request.user.pk]}
    if (org_id := request.GET.get("organization", "")).isdigit():
        initial["organization"] = CommunityOrganization.objects.filter(pk=org_id).first()
    if (program_id := request.GET.get("program", "")).isdigit():
        program = program_model().objects.filter(pk=program_id).first()
        if program:
            initial["program"] = program
            initial["title"] = program.name
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data, officers = _activity_data(form)
        try:
            activity = services.log_activity(by=request.user, data=data, officers=officers)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The activity was logged."))
            return redirect(activity)
    return _form_page(
        request,
        form,
        _("Log an outreach activity"),
        crumbs(
            (_("Outreach activities"), reverse("outreach:activities")), (_("Log an activity"), None)
        ),
        intro=_("You are chosen as its officer; add the others who took part."),
    )


@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = get_activity_for(request, pk, write=True)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        data, officers = _activity_data(form)
        try:
            services.update_activity(
                activity=activity, by=request.user, data=data, officers=officers
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The activity was saved."))
            return redirect(activity)
    return _form_page(
        request,
        form,
        _("Edit %(name)s") % {"name": activity.title},
        crumbs(
            (_("Outreach activities"), reverse("outreach:activities")),
            (activity.title, activity.get_absolute_url()),
            (_("Edit"), None),
        ),
    )


# --- Participants ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def participant_edit(request, activity_pk, pk=None):
    activity = get_activity_for(request, activity_pk)
    require_permission(request, Permission.MANAGE_PARTICIPANTS)
    instance = get_object_or_404(Participant, pk=pk, activity=activity) if pk else None
    initial = {}
    if instance is None and activity.background_check_required:
        initial["background_check"] = Participant.Check.REQUIRED
    form = ParticipantForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_participant(by=request.user, form=form, activity=activity)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The participant was saved."))
            return redirect(activity)
    title = _("Edit %(name)s") % {"name": instance.name} if instance else _("Add a participant")
    return _form_page(
        request,
        form,
        title,
        crumbs(
            (_("Outreach activities"), reverse("outreach:activities")),
            (activity.title, activity.get_absolute_url()),
            (title, None),
        ),
        intro=_("Participants' details are seen only by the CRO and the Chief."),
    )


@require_POST
def participant_remove(request, activity_pk, pk):
    activity = get_activity_for(request, activity_pk)
    participant = get_object_or_404(Participant, pk=pk, activity=activity)
    services.remove_participant(by=request.user, participant=participant)
    messages.success(request, _("%(name)s was removed.") % {"name": participant.name})
    return redirect(activity)


# --- Materials ------------------------------------------------------------------------


def material_list(request):
    require_permission(request, Permission.VIEW_MATERIALS)
    status = request.GET.get("status", "")
    qs = Material.objects.annotate(distributed_total=Sum("distributions__quantity"))
    if status in Material.Status.values:
        qs = qs.filter(status=status)
    page = paginate(qs.order_by("-created_at", "-id"), request.GET.get("page"))
    return render(
        request,
        "outreach/material_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Material.Status.choices,
            "can_manage": has_permission(request.user, Permission.MANAGE_MATERIALS),
            "breadcrumbs": crumbs((_("Give-away materials"), None)),
        },
    )


def material_detail(request, pk, *, decision_form=None, distribution_form=None, status=200):
    require_permission(request, Permission.VIEW_MATERIALS)
    material = get_object_or_404(Material.objects.select_related("created_by", "decided_by"), pk=pk)
    can_manage = has_permission(request.user, Permission.MANAGE_MATERIALS)
    return render(
        request,
        "outreach/material_detail.html",
        {
            "material": material,
            "distributions": material.distributions.select_related("activity", "recorded_by"),
            "distributed": material.distributed(),
            "can_manage": can_manage,
            "can_decide": has_permission(request.user, Permission.DECIDE_MATERIALS),
            "decision_form": decision_form or DecisionForm(),
            "distribution_form": distribution_form or DistributionForm(),
            "breadcrumbs": crumbs(
                (_("Give-away materials"), reverse("outreach:materials")), (material.name, None)
            ),
        },
        status=status,
    )


def material_design(request, pk):
    """The design file, only to those who may see materials (never a public media URL)."""
    require_permission(request, Permission.VIEW_MATERIALS)
    material = get_object_or_404(Material, pk=pk)
    if not material.design:
        raise Http404
    response = FileResponse(material.design.open("rb"), content_type=material.design_type)
    # A download, never rendered as a page of this site (an <img> still shows it).
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
        material.design_type, "bin"
    )
    response["Content-Disposition"] = f'attachment; filename="design-{material.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def material_edit(request, pk=None):
    require_permission(request, Permission.MANAGE_MATERIALS)
    instance = get_object_or_404(Material, pk=pk) if pk else None
    form = MaterialForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.save_material(by=request.user, form=form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": material.name})
            return redirect(material)
    title = (
        _("Edit %(name)s") % {"name": instance.name} if instance else _("Add a give-away material")
    )
    return _form_page(
        request,
        form,
        title,
        crumbs((_("Give-away materials"), reverse("outreach:materials")), (title, None)),
        enctype=True,
        intro=_("Nothing is handed out until the Chief approves the design (000 III.9)."),
    )


@require_POST
def material_submit(request, pk):
    material = get_object_or_404(Material, pk=pk)
    try:
        services.submit_material(material=material, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Sent to the Chief for approval."))
    return redirect(material)


@require_POST
def material_decide(request, pk, decision):
    if decision not in ("approve", "reject"):
        raise Http404
    material = get_object_or_404(Material, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_material(
            material=material,
            by=request.user,
            approve=decision == "approve",
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as error:
        show_errors(form, error)
        return material_detail(request, pk, decision_form=form, status=400)
    messages.success(
        request, _("Approved.") if decision == "approve" else _("Returned to the CRO.")
    )
    return redirect(material)


@require_POST
def material_distribute(request, pk):
    material = get_object_or_404(Material, pk=pk)
    form = DistributionForm(request.POST)
    if form.is_valid():
        try:
            services.record_distribution(
                material=material,
                by=request.user,
                date=form.cleaned_data["date"],
                quantity=form.cleaned_data["quantity"],
                activity=form.cleaned_data["activity"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The distribution was recorded."))
            return redirect(material)
    return material_detail(request, pk, distribution_form=form, status=400)


# --- Training needs -------------------------------------------------------------------


def training_list(request):
    require_permission(request, Permission.VIEW_TRAINING_NEEDS)
    status = request.GET.get("status", "")
    qs = TrainingNeed.objects.select_related("identified_by")
    if status in TrainingNeed.Status.values:
        qs = qs.filter(status=status)
    page = paginate(qs.order_by("-created_at", "-id"), request.GET.get("page"))
    return render(
        request,
        "outreach/training_list.html",
        {
            "page": page,
            "status": status,
            "statuses": TrainingNeed.Status.choices,
            "can_record": has_permission(request.user, Permission.RECORD_TRAINING_NEED),
            "can_forward": has_permission(request.user, Permission.FORWARD_TRAINING_NEED),
            "can_schedule": has_permission(request.user, Permission.SCHEDULE_TRAINING),
            "schedule_form": ScheduleForm(),
            "delivered_form": DeliveredForm(),
            "breadcrumbs": crumbs((_("Training needs"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def training_new(request):
    require_permission(request, Permission.RECORD_TRAINING_NEED)
    form = TrainingNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_training_need(by=request.user, form=form)
        messages.success(request, _("The training need was recorded."))
        return redirect("outreach:training")
    return _form_page(
        request,
        form,
        _("Record a training need"),
        crumbs((_("Training needs"), reverse("outreach:training")), (_("Record"), None)),
        intro=_("From citizen interviews, internal affairs, supervisors or surveys."),
    )


@require_POST
def training_step(request, pk, step):
    need = get_object_or_404(TrainingNeed, pk=pk)
    try:
        if step == "forward":
            services.forward_training_need(need=need, by=request.user)
            done = _("Forwarded to the Training Officer.")
        elif step == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the date of the training."))
            services.schedule_training(
                need=need,
                by=request.user,
                scheduled_for=form.cleaned_data["scheduled_for"],
                notes=form.cleaned_data["notes"],
            )
            done = _("The training was scheduled.")
        elif step == "deliver":
            form = DeliveredForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the date the training was delivered."))
            services.mark_training_delivered(
                need=need,
                by=request.user,
                delivered_on=form.cleaned_data["delivered_on"],
                notes=form.cleaned_data["notes"],
            )
            done = _("Marked as delivered.")
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("outreach:training")


# --- Recognition ----------------------------------------------------------------------


def recognition_list(request):
    require_permission(request, Permission.VIEW_RECOGNITION)
    page = paginate(
        Recognition.objects.select_related("member").order_by("-date", "-id"),
        request.GET.get("page"),
    )
    return render(
        request,
        "outreach/recognition_list.html",
        {
            "page": page,
            "can_recognize": has_permission(request.user, Permission.RECOGNIZE),
            "breadcrumbs": crumbs((_("Recognition"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def recognition_new(request):
    require_permission(request, Permission.RECOGNIZE)
    form = RecognitionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recognize(by=request.user, form=form)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The recognition was recorded."))
            return redirect("outreach:recognition")
    return _form_page(
        request,
        form,
        _("Recognize exceptional work"),
        crumbs((_("Recognition"), reverse("outreach:recognition")), (_("Record"), None)),
    )


# --- Community input to the CRO (003 1.b) ---------------------------------------------


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
