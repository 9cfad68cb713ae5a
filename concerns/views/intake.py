"""An officer logs a concern (000 IV.A): the intake form and its confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from concerns import duplicates, intake, lookalikes
from concerns.forms import (
    IntakeForm,
)
from concerns.models import Concern
from concerns.views.status import tell_officer_the_code
from core.permissions import Permission, has_permission
from core.web import crumbs, show_errors
from outreach.models import OutreachActivity

# --- Intake ---------------------------------------------------------------------------

LOOK_FIRST = gettext_lazy(
    "Open concerns that look like the same thing are listed below the form. Choose one if it "
    "is what the person describes, or log a new concern."
)
NOT_OFFERED = gettext_lazy(
    "%(reference)s cannot be chosen: choose one of the concerns listed, or log a new concern."
)
MAY_NOT_ESCALATE = gettext_lazy(
    "You may log this concern but not escalate it: use \u201cLog concern\u201d, and a "
    "supervisor or the Community Relations Officer will take it from there."
)


@require_http_methods(["GET", "POST"])
def concern_new(request):
    if not has_permission(request.user, Permission.LOG_CONCERN):
        raise PermissionDenied
    may_escalate = has_permission(request.user, Permission.ESCALATE_CONCERN)
    form = IntakeForm(
        request.POST or None,
        user=request.user,
        may_escalate=may_escalate,
        initial=_intake_initial(request),
    )
    offer, same_as = [], request.POST.get("same_as", "")
    if request.method == "POST" and form.is_valid():
        # Open concerns that look like the same thing are offered once, before the save:
        # the officer links to one or logs a new concern (concerns.duplicates).
        # A second send of a saved form (same token) finds its concern, never an offer.
        sent_before = Concern.objects.filter(
            intake_token=form.cleaned_data["intake_token"]
        ).exists()
        if not (request.POST.get("offered") or sent_before) and (
            offer := lookalikes.offer_for(form.cleaned_data, user=request.user)
        ):
            messages.info(request, LOOK_FIRST)
        else:
            return _log(request, form, same_as) or _render(request, form, offer, same_as)
    return _render(request, form, offer, same_as)


def _render(request, form, offer, same_as):
    return render(
        request,
        "concerns/concern_form.html",
        {
            "form": form,
            "offer": offer,
            "same_as": same_as,
            "breadcrumbs": crumbs((_("Log a concern"), None)),
        },
    )


def _log(request, form, same_as: str):
    """The save, and the link to the concern the officer chose as the same; None when the
    form shows an error."""
    data = dict(form.cleaned_data)
    token = data.pop("intake_token")
    escalate = bool(request.POST.get("escalate"))
    if escalate and not form.may_escalate:
        form.add_error(None, MAY_NOT_ESCALATE)
        return None
    lead = None
    if same_as:
        lead = Concern.objects.visible_to(request.user).filter(reference=same_as).first()
        if lead is None:
            form.add_error(None, NOT_OFFERED % {"reference": same_as[:40]})
            return None
    try:
        concern, created = intake.log_concern(
            by=request.user, data=data, intake_token=token, escalate=escalate
        )
    except ValidationError as error:
        show_errors(form, error)
        return None
    if created and escalate and concern.status == Concern.Status.ESCALATED:
        messages.success(
            request,
            _("Concern %(reference)s was logged and escalated to a supervisor.")
            % {"reference": concern.reference},
        )
    elif created:
        messages.success(
            request, _("Concern %(reference)s was logged.") % {"reference": concern.reference}
        )
    else:
        messages.info(
            request,
            _("Concern %(reference)s was already logged.") % {"reference": concern.reference},
        )
    if lead is not None:
        try:
            duplicates.link(concern=concern, lead=lead, by=request.user)
        except ValidationError as error:
            # Logged all the same: nothing the officer typed is lost.
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("It was added as another report of %(lead)s.") % {"lead": lead.reference},
            )
    if has_permission(request.user, Permission.VIEW_CONCERN, concern=concern):
        tell_officer_the_code(request, concern)
        return redirect(concern)
    # A conduct or bias concern goes out of the officer's sight at once (001 IV.C).
    return redirect(reverse("concerns:logged", args=[concern.reference]))


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
