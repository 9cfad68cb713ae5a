"""The CRO's pages for duplicates (concerns/duplicates.py): merging reports into a lead,
undoing a merge, and the queue of concerns a door found a likely lead for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from concerns import duplicates, lookalikes
from concerns.duplicate_forms import MergeForm
from concerns.models import Concern
from concerns.views._common import get_concern_for
from core.permissions import Permission, has_permission, permissions_for
from core.web import crumbs, show_errors

QUEUE_ROWS = 50


def merge_scope(user):
    """The concerns a person who may merge can name: those they may see. An administrator
    holding no role sees none on the concern pages, but may merge the ones that can be
    merged (never conduct or bias concerns, 001 IV.C)."""
    if Permission.VIEW_CONCERN in permissions_for(user):
        return Concern.objects.visible_to(user)
    return Concern.objects.exclude(category=Concern.Category.CONDUCT_BIAS)


def _for_merger(request, reference: str) -> Concern:
    """The concern, for one who may merge; a 404 for what they may not see, else a 403."""
    if not has_permission(request.user, Permission.MERGE_CONCERNS):
        get_concern_for(request, reference)
        raise PermissionDenied
    return get_object_or_404(
        merge_scope(request.user).select_related("duplicate_of", "defined_area"),
        reference=reference,
    )


def _back_to(user, concern: Concern) -> str:
    if has_permission(user, Permission.VIEW_CONCERN, concern=concern):
        return concern.get_absolute_url()
    return reverse("concerns:merge", args=[concern.reference])


@login_required
@require_http_methods(["GET", "POST"])
def merge_page(request, reference):
    """Merge other reports into this concern, which leads."""
    lead = _for_merger(request, reference)
    scope = merge_scope(request.user)
    found = [] if lead.duplicate_of_id else lookalikes.candidates_for(lead)
    if request.method == "POST":
        form = MergeForm(request.POST, lead=lead, scope=scope, candidates=found)
        if form.is_valid():
            try:
                merged = duplicates.merge(
                    by=request.user,
                    lead=lead,
                    others=form.cleaned_data["others"],
                    revision=form.cleaned_data.get("revision"),
                )
            except ValidationError as error:
                show_errors(form, error)
            else:
                if merged:
                    messages.success(
                        request,
                        _("Merged into %(lead)s: %(references)s.")
                        % {
                            "lead": lead.reference,
                            "references": ", ".join(c.reference for c in merged),
                        },
                    )
                else:
                    messages.info(request, _("Those reports were already merged into this one."))
                return redirect(_back_to(request.user, lead))
        status = 400
    else:
        form = MergeForm(lead=lead, scope=scope, candidates=found)
        status = 200
    gathered = list(
        lead.duplicates.only("reference", "summary", "date_received", "duplicate_of").order_by(
            "date_received"
        )[:QUEUE_ROWS]
    )
    return render(
        request,
        "concerns/merge.html",
        {
            "lead": lead,
            "form": form,
            "gathered": gathered,
            "may_view": has_permission(request.user, Permission.VIEW_CONCERN, concern=lead),
            "breadcrumbs": crumbs(
                (_("Concerns"), reverse("concerns:list")),
                (lead.reference, _back_to(request.user, lead)),
                (_("Merge reports"), None),
            ),
        },
        status=status,
    )


@login_required
@require_POST
def unmerge_view(request, reference):
    concern = _for_merger(request, reference)
    revision = request.POST.get("revision", "")
    try:
        duplicates.unmerge(
            by=request.user,
            concern=concern,
            revision=int(revision) if revision.isdigit() else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(reference)s stands on its own again, reopened.")
            % {"reference": concern.reference},
        )
    return redirect(_back_to(request.user, concern))


@login_required
@require_POST
def dismiss_view(request, reference):
    concern = _for_merger(request, reference)
    duplicates.dismiss_likely_lead(by=request.user, concern=concern)
    messages.success(
        request,
        _("%(reference)s is no longer listed as a possible duplicate.")
        % {"reference": concern.reference},
    )
    if request.POST.get("next") == "queue":
        return redirect("concerns:possible-duplicates")
    return redirect(_back_to(request.user, concern))


@login_required
def possible_duplicates_page(request):
    """What the public form and 311 brought in that may be the same as an open concern."""
    if not has_permission(request.user, Permission.MERGE_CONCERNS):
        raise PermissionDenied
    # Never a conduct or bias concern (the doors do not note one): no scope to apply, and
    # the read stays on the partial index of the few rows that have a likely lead.
    rows = list(duplicates.possible_duplicates()[: QUEUE_ROWS + 1])
    return render(
        request,
        "concerns/merge_queue.html",
        {
            "rows": rows[:QUEUE_ROWS],
            "more": len(rows) > QUEUE_ROWS,
            "limit": QUEUE_ROWS,
            "title": _("Possible duplicates"),
            "breadcrumbs": crumbs(
                (_("Concerns"), reverse("concerns:list")), (_("Possible duplicates"), None)
            ),
        },
    )
