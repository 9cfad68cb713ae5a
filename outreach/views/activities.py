"""Pages for outreach activities: the list and its CSV export (same filters), an
activity's page, and logging and editing one. `get_activity_for` is the visibility check
the participant pages share."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import lookups
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.replica import replica_reads
from core.web import crumbs, csv_download, require_permission, show_errors
from outreach import services
from outreach.filters import ActivityFilter
from outreach.forms import ActivityForm
from outreach.forms_pickers import activity_label
from outreach.models import CommunityOrganization, OutreachActivity
from outreach.models.activities import program_model
from outreach.views._common import _form_page


def get_activity_for(request, pk, *, write=False) -> OutreachActivity:
    """An activity one may not see is a 404; one one may see but not change is a 403."""
    activity = get_object_or_404(
        OutreachActivity.with_scheduled.select_related(
            "organization", "logged_by", "program", "notified_supervisor"
        ),
        pk=pk,
    )
    if not OutreachActivity.with_scheduled.visible_to(request.user).filter(pk=pk).exists():
        raise Http404
    if write and not has_permission(request.user, Permission.EDIT_ACTIVITY, activity=activity):
        raise PermissionDenied
    return activity


def activity_lookup(request):
    """Activities the user may see whose title or organization holds every typed word,
    newest first, as JSON for an activity picker (outreach.forms_pickers)."""
    require_permission(request, Permission.LOG_ACTIVITY)
    found = OutreachActivity.objects.visible_to(request.user).order_by("-date", "-pk")
    for word in lookups.typed(request).split()[:4]:
        found = found.filter(Q(title__icontains=word) | Q(organization__name__icontains=word))
    rows = found.values_list("pk", "date", "title")[: lookups.RESULTS + 1]
    return lookups.results((pk, activity_label(date, title)) for pk, date, title in rows)


def _activity_qs(request):
    filterset = ActivityFilter(
        request.GET or None,
        # The list plans ahead too: scheduled events show, marked as such.
        queryset=OutreachActivity.with_scheduled.visible_to(request.user),
        request=request,
    )
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    return filterset, qs


@replica_reads
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


@replica_reads
def activity_export(request):
    require_permission(request, Permission.LOG_ACTIVITY)
    _, qs = _activity_qs(request)
    qs = qs.select_related("organization", "notified_supervisor").prefetch_related("officers")
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
        "status",
        "start_time",
        "end_time",
        "supervisor_told",
        "supervisor",
        "dispatch_told_at_start",
        "dispatch_told_at_end",
        "notifications_missing",
        "why_missing",
    ]
    patrol = OutreachActivity.Kind.FOOT_PATROL

    def flag(a, value):
        # The notifications belong to foot patrols; other kinds leave the columns empty.
        return ("yes" if value else "no") if a.kind == patrol else ""

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
                a.status,
                a.start_time.strftime("%H:%M") if a.start_time else "",
                a.end_time.strftime("%H:%M") if a.end_time else "",
                flag(a, a.supervisor_notified),
                a.notified_supervisor.display_name if a.notified_supervisor else "",
                flag(a, a.dispatch_notified_start),
                flag(a, a.dispatch_notified_end),
                "; ".join(a.missing_notices()),
                a.notice_note,
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
            "missing_notices": activity.missing_notices(),
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
