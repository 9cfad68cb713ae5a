"""The areas pages: the list, an area's form, the GeoJSON import and the matching page.
The CRO and administrators (Permission.MANAGE_AREAS); anyone else gets 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import areas
from accounts.area_forms import AreaForm, AssignForm, BoundaryImportForm
from accounts.area_import import import_boundaries
from accounts.models import Area
from audit import trail as audit
from audit.models import AuditEvent
from core.permissions import Permission, has_permission
from core.web import crumbs, show_errors

VALUE_MAX = 160  # a typed place's longest (Concern.area)
NO_AREA_CHOSEN = gettext_lazy("Choose the area to put the ticked places in.")


def _require(request):
    if not has_permission(request.user, Permission.MANAGE_AREAS):
        raise PermissionDenied


def _crumbs(*more):
    return crumbs((_("Areas"), reverse("accounts:areas")), *more)


def area_list(request):
    _require(request)
    rows = (
        Area.objects.select_related("parent")
        .defer("boundary", "parent__boundary")
        .order_by("parent__name", "kind", "name")
    )
    # Each top-level area, then the areas inside it.
    tops = [area for area in rows if area.parent_id is None]
    inside: dict[int, list[Area]] = {}
    for area in rows:
        if area.parent_id is not None:
            inside.setdefault(area.parent_id, []).append(area)
    ordered = [(top, inside.get(top.pk, [])) for top in sorted(tops, key=lambda a: a.name)]
    return render(
        request,
        "accounts/areas.html",
        {"ordered": ordered, "breadcrumbs": crumbs((_("Areas"), None))},
    )


def area_edit(request, pk=None):
    _require(request)
    area = get_object_or_404(Area, pk=pk) if pk else Area()
    form = AreaForm(request.POST or None, instance=area)
    if request.method == "POST" and form.is_valid():
        try:
            areas.save_area(by=request.user, area=form.instance)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The area %(name)s was saved.") % {"name": area.name})
            return redirect("accounts:areas")
    title = area.name if pk else _("New area")
    return render(
        request,
        "accounts/areas_form.html",
        {"form": form, "area": area, "title": title, "breadcrumbs": _crumbs((title, None))},
    )


@require_POST
def area_active(request, pk):
    _require(request)
    area = get_object_or_404(Area, pk=pk)
    active = request.POST.get("active") == "1"
    areas.set_active(by=request.user, area=area, active=active)
    if active:
        messages.success(request, _("%(name)s is active again.") % {"name": area.name})
    else:
        messages.success(
            request,
            _("%(name)s is inactive: its records keep it, new ones are not offered it.")
            % {"name": area.name},
        )
    return redirect("accounts:areas")


def area_import(request):
    _require(request)
    form = BoundaryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = import_boundaries(
                by=request.user,
                data=data["file"].read(),
                name_property=data["name_property"],
                code_property=data["code_property"],
                kind=data["kind"],
                parent=data["parent"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Boundaries imported: %(created)d new areas, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("accounts:areas")
    return render(
        request,
        "accounts/areas_import.html",
        {"form": form, "breadcrumbs": _crumbs((_("Import boundaries"), None))},
    )


def area_match(request):
    """The typed places of concerns, activities and organizations that have no area yet,
    each with a suggestion; the CRO ticks many and puts them in one area, or accepts the
    suggestions."""
    _require(request)
    form = AssignForm(request.POST or None)
    if request.method == "POST":
        done = _assign(request, form)
        if done is not None:
            messages.success(
                request,
                _(
                    "%(count)d typed places are being put in their areas. Thousands of "
                    "records take a minute or two: they leave this list as they are placed."
                )
                % {"count": done},
            )
            return redirect("accounts:area-match")
    resolver = areas.Resolver.load()
    unplaced, more = areas.unplaced_values(resolver)
    return render(
        request,
        "accounts/areas_match.html",
        {
            "form": form,
            "unplaced": unplaced,
            "more": more,
            "kinds": areas.PLACED,
            "cap": areas.COUNT_CAP,
            "has_areas": bool(resolver.areas),
            "breadcrumbs": _crumbs((_("Match typed places to areas"), None)),
        },
    )


def _assign(request, form) -> int | None:
    values = [v for v in request.POST.getlist("value") if 0 < len(v) <= VALUE_MAX]
    values = values[: areas.MAX_VALUES]
    try:
        if request.POST.get("action") == "accept":
            # Ticked places take their suggestions; nothing ticked: every place shown.
            resolver = areas.Resolver.load()
            if not values:
                values = [row.value for row in areas.unplaced_values(resolver)[0]]
            pairs = [(v, area) for v in values if (area := resolver.suggest(v)) is not None]
        elif not form.is_valid() or form.cleaned_data["area"] is None:
            form.add_error("area", NO_AREA_CHOSEN)
            return None
        else:
            pairs = [(v, form.cleaned_data["area"]) for v in values]
        queued = areas.queue_assignment(by=request.user, pairs=pairs)
    except ValidationError as error:
        form.add_error(None, error)
        return None
    # The rows change in the background, where no member is signed in: the trail says here
    # who asked for which places to go where.
    audit.record(
        AuditEvent.Action.UPDATE,
        request=request,
        detail=("Typed places put in areas: " + "; ".join(f"{v} → {a.code}" for v, a in pairs))[
            :500
        ],
    )
    return queued
