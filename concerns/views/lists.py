"""The concern lists (all, the officer's own) and their CSV export."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from concerns.filters import ConcernFilter
from concerns.models import Concern
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, csv_download

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
