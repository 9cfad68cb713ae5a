"""The referral list of departments and the department's units, kept by the CRO."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from concerns import services
from concerns.forms import (
    DepartmentForm,
    UnitForm,
)
from concerns.models import Department, Unit
from core.permissions import Permission, has_permission
from core.web import crumbs

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
