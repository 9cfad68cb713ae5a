"""Pages for give-away materials (000 III.9): the list, a material's page, its design file,
the form, sending it to the Chief, the Chief's decision and recording a distribution."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission, show_errors
from outreach import services
from outreach.forms import DecisionForm, DistributionForm, MaterialForm
from outreach.models import Material
from outreach.views._common import _form_page


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
            "distribution_form": distribution_form or DistributionForm(user=request.user),
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
    if decision not in ("approve", "return"):
        raise Http404
    material = get_object_or_404(Material, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        services.decide_material(
            material=material,
            by=request.user,
            decision=decision,
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
    form = DistributionForm(request.POST, user=request.user)
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
