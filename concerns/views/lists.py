"""The concern lists (all, the officer's own) and their CSV export."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.maps import by_area
from concerns.filters import ConcernFilter
from concerns.models import Concern
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.replica import replica_reads
from core.web import crumbs, csv_download

# The list's map counts at most this many rows of the filter (the first in the list's
# order) and draws the points of at most MAP_POINTS of them: its cost stays the same
# whether the filter matches a hundred concerns or a million (PERFORMANCE.md).
MAP_COUNT_CAP = 10_000
MAP_POINTS = 500

# --- Lists ----------------------------------------------------------------------------


def _filtered(request, base_qs):
    """The filter and its queryset, loaded as the list's rows show them (their row facts
    are read after them, for the page's rows alone: concerns/next_step.load_facts)."""
    qs = base_qs.for_list()
    filterset = ConcernFilter(request.GET or None, queryset=qs, request=request)
    qs = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else filterset.queryset.order_by("-date_received", "-id")
    )
    return filterset, qs


def _list(request, base_qs, *, title, mine=False):
    filterset, qs = _filtered(request, base_qs)
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
            # On a phone the filters fold behind a button, unfolded while any applies.
            "filters_applied": sum(
                1 for key, value in request.GET.items() if value and key not in ("page", "sort")
            ),
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "can_export": has_permission(request.user, Permission.EXPORT_CONCERNS),
            "can_log": has_permission(request.user, Permission.LOG_CONCERN),
            "breadcrumbs": crumbs((title, None)),
        },
    )


@replica_reads
def concern_list(request):
    if not has_permission(request.user, Permission.VIEW_CONCERN):
        raise PermissionDenied
    return _list(request, Concern.objects.visible_to(request.user), title=_("Concerns"))


@replica_reads
def concern_map(request):
    """The concern list's map for the same filter: counts by area over the first
    MAP_COUNT_CAP rows and the points of the first MAP_POINTS. The list page loads it as a
    fragment after itself (static/js/maps.js), so the list never waits for it; without
    scripts, the list links to it as a page of its own."""
    if not has_permission(request.user, Permission.VIEW_CONCERN):
        raise PermissionDenied
    _filterset, qs = _filtered(request, Concern.objects.visible_to(request.user))
    first = qs.values("pk")[:MAP_COUNT_CAP]
    counts = dict(
        Concern.objects.filter(pk__in=first)
        .values_list("defined_area")
        .annotate(n=Count("id"))
        .order_by()
    )
    # The first MAP_POINTS records of the list that have a point, as the map's note says.
    points = list(
        qs.filter(latitude__isnull=False, longitude__isnull=False).values_list(
            "longitude", "latitude"
        )[:MAP_POINTS]
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("fragment", None)
    figure = by_area(counts)
    context = {
        "figure": figure,
        "points": points,
        "capped": figure["total"] >= MAP_COUNT_CAP,
        "cap": MAP_COUNT_CAP,
        "query": query.urlencode(),
        "title": _("Concerns on the map"),
        "breadcrumbs": crumbs((_("Concerns"), reverse("concerns:list")), (_("On the map"), None)),
    }
    if request.GET.get("fragment"):
        return render(request, "concerns/_list_map.html", context)
    return render(request, "concerns/concern_map.html", context)


@replica_reads
def concern_mine(request):
    """The officer's own: what they logged and what they were assigned."""
    if not has_permission(request.user, Permission.LOG_CONCERN):
        raise PermissionDenied
    qs = Concern.objects.visible_to(request.user).filter(
        Q(reported_by=request.user) | Q(assignee=request.user)
    )
    return _list(request, qs, title=_("My concerns"), mine=True)


@replica_reads
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
        "summary",
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
                c.summary,
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
