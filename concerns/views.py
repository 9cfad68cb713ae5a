from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from audit import trail as audit
from concerns import intake, services, steps
from concerns.filters import ConcernFilter
from concerns.forms import (
    DepartmentForm,
    IntakeForm,
    PublicFeedbackForm,
    ResponseForm,
    UnitForm,
)
from concerns.models import Concern, Department, Routing, Unit
from concerns.rules import can_see_source
from concerns.steps import STEPS
from core.conflicts import EditConflict
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import client_key, crumbs, csv_download, show_errors
from outreach.models import OutreachActivity

# --- Helpers --------------------------------------------------------------------------


def get_concern_for(request, reference: str) -> Concern:
    """A concern the user may see, or 404: a concern you may not see does not exist."""
    concern = get_object_or_404(
        Concern.objects.select_related("reported_by", "assignee", "organization", "activity"),
        reference=reference,
    )
    if not has_permission(request.user, Permission.VIEW_CONCERN, concern=concern):
        raise Http404
    return concern


# --- Intake ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def concern_new(request):
    if not has_permission(request.user, Permission.LOG_CONCERN):
        raise PermissionDenied
    form = IntakeForm(request.POST or None, user=request.user, initial=_intake_initial(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        token = data.pop("intake_token")
        try:
            concern, created = intake.log_concern(by=request.user, data=data, intake_token=token)
        except ValidationError as error:
            show_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("Concern %(reference)s was logged.") % {"reference": concern.reference},
                )
            else:
                messages.info(
                    request,
                    _("Concern %(reference)s was already logged.")
                    % {"reference": concern.reference},
                )
            if has_permission(request.user, Permission.VIEW_CONCERN, concern=concern):
                return redirect(concern)
            # A conduct or bias concern goes out of the officer's sight at once (001 IV.C).
            return redirect(reverse("concerns:logged", args=[concern.reference]))
    return render(
        request,
        "concerns/concern_form.html",
        {
            "form": form,
            "breadcrumbs": crumbs((_("Log a concern"), None)),
        },
    )


# How a community organization's kind maps to the source of what it raises.
SOURCE_FOR_KIND = {
    "neighborhood_watch": Concern.SourceType.WATCH_GROUP,
    "business_watch": Concern.SourceType.WATCH_GROUP,
    "civic": Concern.SourceType.CIVIC_FAITH,
    "faith": Concern.SourceType.CIVIC_FAITH,
    "advisory_committee": Concern.SourceType.CIVIC_FAITH,
    "school": Concern.SourceType.SCHOOL,
    "business_association": Concern.SourceType.BUSINESS,
    "social_service": Concern.SourceType.OUTSIDE_AGENCY,
    "family_violence": Concern.SourceType.OUTSIDE_AGENCY,
    "sexual_assault": Concern.SourceType.OUTSIDE_AGENCY,
}


def _intake_initial(request) -> dict:
    """Raising a concern from an outreach activity: its organization, area and date."""

    activity_id = request.GET.get("activity", "")
    if not activity_id.isdigit():
        return {}
    activity = (
        OutreachActivity.objects.visible_to(request.user)
        .select_related("organization")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        return {}
    initial = {"activity": activity, "area": activity.area, "date_received": activity.date}
    if activity.organization:
        initial["organization"] = activity.organization
        initial["source_name"] = activity.organization.name
        initial["source_type"] = SOURCE_FOR_KIND.get(
            activity.organization.kind, Concern.SourceType.CITIZEN
        )
        initial["area"] = activity.area or activity.organization.area
    return initial


def concern_logged(request, reference):
    """Confirmation for a concern the officer logged but may no longer see."""
    concern = get_object_or_404(
        Concern.objects.only("reference", "reported_by"), reference=reference
    )
    if concern.reported_by_id != request.user.pk:
        raise Http404
    return render(
        request,
        "concerns/concern_logged.html",
        {"concern": concern, "breadcrumbs": crumbs((reference, None))},
    )


# --- Lists ----------------------------------------------------------------------------


def _list(request, base_qs, *, title, mine=False):
    filterset = ConcernFilter(request.GET or None, queryset=base_qs.for_list(), request=request)
    qs = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else filterset.queryset.order_by("-date_received", "-id")
    )
    page = paginate(qs, request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "concerns/concern_list.html",
        {
            "title": title,
            "mine": mine,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_export": has_permission(request.user, Permission.EXPORT_CONCERNS),
            "can_log": has_permission(request.user, Permission.LOG_CONCERN),
            "breadcrumbs": crumbs((title, None)),
        },
    )


def concern_list(request):
    if not has_permission(request.user, Permission.VIEW_CONCERN):
        raise PermissionDenied
    return _list(request, Concern.objects.visible_to(request.user), title=_("Concerns"))


def concern_mine(request):
    """The officer's own: what they logged and what they were assigned."""
    if not has_permission(request.user, Permission.LOG_CONCERN):
        raise PermissionDenied
    qs = Concern.objects.visible_to(request.user).filter(
        Q(reported_by=request.user) | Q(assignee=request.user)
    )
    return _list(request, qs, title=_("My concerns"), mine=True)


def concern_export(request):
    """The filtered list as CSV. Source details only for roles allowed to see them."""
    if not has_permission(request.user, Permission.EXPORT_CONCERNS):
        raise PermissionDenied
    filterset = ConcernFilter(
        request.GET or None,
        queryset=Concern.objects.visible_to(request.user).select_related("assignee"),
        request=request,
    )
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    with_source = has_permission(request.user, Permission.VIEW_CONCERN_SOURCE)
    header = [
        "reference",
        "date_received",
        "status",
        "category",
        "nature",
        "source_type",
        "area",
        "description",
        "suggestions",
        "priority",
        "reporting_employee",
        "reporter_dsn",
        "assignee",
    ]
    if with_source:
        header += ["source_name", "source_contact"]

    def rows():
        for c in qs.iterator(chunk_size=2000):
            row = [
                c.reference,
                c.date_received.isoformat(),
                c.get_status_display(),
                c.get_category_display(),
                c.get_nature_display(),
                c.get_source_type_display(),
                c.area,
                c.description,
                c.suggestions,
                c.get_priority_display(),
                c.reporter_name,
                c.reporter_dsn,
                c.assignee.display_name if c.assignee else "",
            ]
            if with_source:
                row += [c.source_name, c.source_contact]
            yield row

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return csv_download(header, rows(), f"concerns-{stamp}.csv")


# --- Detail and workflow steps --------------------------------------------------------

RECORD_RESPONSE = gettext_lazy("Record response")


def _step_form(concern, name):
    step = STEPS[name]
    return step.form(label=step.submit, prefix=name, concern=concern)


def _step_forms(concern, actions, bound=None, opened=None):
    """The steps of the concern's page. Only a step coming back with what was typed, or
    opened by name (?step=), has its form built here; the others are fetched when opened
    (concern_step, GET): the CRO's page has eight steps and about twenty fields, and
    building them all on every view was half of the page's time."""
    steps = []
    for name in actions:
        if bound and bound[0] == name:
            form = bound[1]
        elif name == opened:
            form = _step_form(concern, name)
        else:
            form = None
        steps.append({"name": name, "title": STEPS[name].label, "form": form})
    return steps


def concern_detail(request, reference, *, bound=None, status=200):
    concern = get_concern_for(request, reference)
    actions = steps.available(request.user, concern)
    if bound and bound[0] in STEPS and bound[0] not in actions:
        # The step was refused (the concern moved on meanwhile): show what was typed and why.
        actions.append(bound[0])
    referrals = list(concern.referrals.select_related("department"))
    awaiting = [r for r in referrals if r.awaiting]
    can_respond = awaiting and has_permission(
        request.user, Permission.WORK_CONCERN, concern=concern
    )
    response_form = None
    if can_respond:
        response_form = (
            bound[1]
            if bound and bound[0] == "respond"
            else ResponseForm(label=RECORD_RESPONSE, prefix="respond", concern=concern)
        )
    routings = list(concern.routings.select_related("unit", "routed_by", "acknowledged_by"))
    show_source = can_see_source(request.user, concern)
    if show_source and (concern.source_name or concern.source_contact):
        audit.source_viewed(request, concern)
    return render(
        request,
        "concerns/concern_detail.html",
        {
            "concern": concern,
            "updates": concern.updates.select_related("author"),
            "routings": routings,
            "referrals": referrals,
            "step_forms": _step_forms(concern, actions, bound, request.GET.get("step")),
            "opened": request.GET.get("step"),
            "response_form": response_form,
            "show_source": show_source,
            "today": timezone.localdate(),
            "ackable": [
                r
                for r in routings
                if r.acknowledged_at is None
                and has_permission(request.user, Permission.ACKNOWLEDGE_ROUTING, routing=r)
            ],
            "breadcrumbs": crumbs(
                (_("Concerns"), reverse("concerns:list")),
                (concern.reference, None),
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def concern_step(request, reference, action):
    if action not in STEPS:
        raise Http404
    concern = get_concern_for(request, reference)
    if request.method == "GET":
        return _step_fragment(request, concern, action)
    step = STEPS[action]
    form = step.form(request.POST, label=step.submit, prefix=action, concern=concern)
    if form.is_valid():
        data = form.cleaned_data
        try:
            steps.take(action, concern=concern, by=request.user, data=data)
        except ValidationError as error:
            show_errors(form, error)
            if isinstance(error, EditConflict):
                form.show_stored(error)
        else:
            messages.success(request, step.done)
            return redirect(concern)
    return concern_detail(request, reference, bound=(action, form), status=400)


def _step_fragment(request, concern, action):
    """A step's form, fetched by the page when the step is opened (static/js/app.js). It
    carries the revision the page was shown with (?revision=), so that a step taken on a
    page someone else has changed since is refused as before. Opened any other way, the
    address leads to the concern's page with that step open."""
    if request.headers.get("X-Requested-With") != "fetch":
        return redirect(f"{concern.get_absolute_url()}?step={action}#step-{action}")
    if action not in steps.available(request.user, concern):
        raise PermissionDenied
    form = _step_form(concern, action)
    shown = request.GET.get("revision", "")
    if "revision" in form.fields and shown.isdigit():
        form.initial["revision"] = int(shown)
    step = {"name": action, "title": STEPS[action].label, "form": form}
    return render(request, "concerns/_step_form.html", {"concern": concern, "step": step})


@require_POST
def concern_respond(request, reference):
    concern = get_concern_for(request, reference)
    if not has_permission(request.user, Permission.WORK_CONCERN, concern=concern):
        raise PermissionDenied
    form = ResponseForm(request.POST, label=RECORD_RESPONSE, prefix="respond", concern=concern)
    if form.is_valid():
        try:
            services.record_referral_response(
                referral=form.cleaned_data["referral"],
                by=request.user,
                response=form.cleaned_data["response"],
                responded_on=form.cleaned_data["responded_on"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The response was recorded."))
            return redirect(concern)
    return concern_detail(request, reference, bound=("respond", form), status=400)


@require_POST
def routing_acknowledge(request, reference, routing_id):
    concern = get_concern_for(request, reference)
    routing = get_object_or_404(
        Routing.objects.select_related("unit"), pk=routing_id, concern=concern
    )
    try:
        services.acknowledge_routing(routing=routing, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Acknowledged for %(unit)s.") % {"unit": routing.unit.name})
    return redirect(concern)


# --- Departments and units ------------------------------------------------------------


def departments(request):
    if not has_permission(request.user, Permission.MANAGE_DEPARTMENTS):
        raise PermissionDenied
    return render(
        request,
        "concerns/departments.html",
        {
            "departments": Department.objects.all(),
            "units": Unit.objects.select_related("commander"),
            "breadcrumbs": crumbs((_("Departments and units"), None)),
        },
    )


# What the department and unit pages say: (saved, edit title, add title).
REFERENCE_WORDS = {
    "department": (
        gettext_lazy("The department was saved."),
        gettext_lazy("Edit department"),
        gettext_lazy("Add a department"),
    ),
    "unit": (
        gettext_lazy("The unit was saved."),
        gettext_lazy("Edit unit"),
        gettext_lazy("Add a unit"),
    ),
}


def _edit_reference(request, model, form_class, save, pk, noun):
    if not has_permission(request.user, Permission.MANAGE_DEPARTMENTS):
        raise PermissionDenied
    saved, edit_title, add_title = REFERENCE_WORDS[noun]
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        save(by=request.user, form=form)
        messages.success(request, str(saved))
        return redirect("concerns:departments")
    title = str(edit_title if instance else add_title)
    return render(
        request,
        "concerns/reference_form.html",
        {
            "form": form,
            "title": title,
            "breadcrumbs": crumbs(
                (_("Departments and units"), reverse("concerns:departments")),
                (title, None),
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def department_edit(request, pk=None):
    return _edit_reference(
        request, Department, DepartmentForm, services.save_department, pk, "department"
    )


@require_http_methods(["GET", "POST"])
def unit_edit(request, pk=None):
    return _edit_reference(request, Unit, UnitForm, services.save_unit, pk, "unit")


# --- The public form ------------------------------------------------------------------

PUBLIC_LANGUAGES = ("en", "es")
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def public_language(request) -> str:
    """The resident's choice (`?lang=`, or the form's own field), else the remembered one
    (the cookie), else the browser's; English when none of them is Spanish."""
    chosen = request.POST.get("lang") or request.GET.get("lang")
    if chosen in PUBLIC_LANGUAGES:
        language = chosen
    else:
        language = "es" if (getattr(request, "LANGUAGE_CODE", "") or "")[:2] == "es" else "en"
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def remember_language(response, language):
    """Keep the choice for the next visit; the same address answers in either language, so
    a cache must tell them apart by the cookie too."""
    patch_vary_headers(response, ("Cookie",))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
def feedback(request):
    language = public_language(request)
    form = PublicFeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            # Say nothing useful to a robot, and store nothing.
            return remember_language(redirect("feedback-received"), language)
        data = dict(form.cleaned_data)
        data["language"] = language
        try:
            concern, _created = intake.submit_public_concern(
                data=data,
                client=client_key(request),
                intake_token=data.pop("intake_token"),
                limit=settings.PUBLIC_FORM_HOURLY_LIMIT,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                form.add_error(None, [_(str(message)) for message in error.messages])
            status = 429 if getattr(error, "code", None) == "rate_limited" else 400
        else:
            request.session["feedback_reference"] = concern.reference
            return remember_language(redirect("feedback-received"), language)
    elif request.method == "POST":
        status = 400
    response = render(
        request,
        "concerns/feedback.html",
        {"form": form, "language": language},
        status=status,
    )
    return remember_language(response, language)


@login_not_required
def feedback_received(request):
    language = public_language(request)
    response = render(
        request,
        "concerns/feedback_received.html",
        {"reference": request.session.get("feedback_reference"), "language": language},
    )
    return remember_language(response, language)
