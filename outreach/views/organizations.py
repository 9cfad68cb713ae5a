"""Pages for the registry of community organizations: the list (with how long since each
was last contacted), an organization's page with its activities and concerns, the form,
and the name lookup behind long pick-lists."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import lookups
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission
from outreach import services
from outreach.filters import OrganizationFilter
from outreach.forms import OrganizationForm
from outreach.models import CommunityOrganization, OutreachActivity
from outreach.models.organizations import STALE_DAYS, stale_cutoff
from outreach.views._common import _form_page


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
            "stale_before": stale_cutoff(timezone.localdate()),
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
    concerns = (
        organization.concerns.visible_to(request.user).for_list().with_row_facts(request.user)[:25]
    )
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
