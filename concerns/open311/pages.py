"""The CRO's page of API keys under /concerns/open311-keys/."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from concerns.models import Open311Key
from concerns.open311.catalog import _absolute
from concerns.open311.keys import issue_key, revoke_key
from core.permissions import Permission, has_permission
from core.web import crumbs, show_errors

# --- The CRO's key page ---------------------------------------------------------------


class IssueKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Who will use the key"),
        max_length=120,
        help_text=_('For example "City 311 system" or the name of a residents\' app.'),
    )


def _may_manage(request) -> None:
    if not has_permission(request.user, Permission.MANAGE_OPEN311_KEYS):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def keys_page(request):
    _may_manage(request)
    form = IssueKeyForm(request.POST or None)
    new_record, new_key, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new_record, new_key = issue_key(by=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                show_errors(form, exc)
                status = 400
            else:
                form = IssueKeyForm()
        else:
            status = 400
    response = render(
        request,
        "concerns/open311_keys.html",
        {
            "keys": Open311Key.objects.select_related("created_by", "revoked_by"),
            "form": form,
            "new_record": new_record,
            "new_key": new_key,
            "discovery_url": _absolute(reverse("open311:discovery", kwargs={"fmt": "json"})),
            "breadcrumbs": crumbs((gettext("City 311 keys"), None)),
        },
        status=status,
    )
    # The key is in this page once: no cache anywhere may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def key_revoke(request, pk: int):
    _may_manage(request)
    key = get_object_or_404(Open311Key, pk=pk)
    try:
        revoke_key(key=key, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext(
                "The key “%(name)s” (%(prefix)s…) was revoked: requests sent with it are "
                "refused from now on."
            )
            % {"name": key.name, "prefix": key.prefix},
        )
    return redirect("concerns:open311-keys")
