"""A concern's page and its workflow steps (concerns/steps.py), the referral answer and
the routing acknowledgment."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from audit import trail as audit
from concerns import next_step, services, steps
from concerns.attachment_forms import attachments_context
from concerns.forms import (
    ResponseForm,
)
from concerns.models import Routing
from concerns.page_reads import referrals_of, routings_of, updates_of
from concerns.rules import can_see_source
from concerns.steps import STEPS
from concerns.views._common import get_concern_for
from core.conflicts import EditConflict
from core.permissions import Permission, has_permission
from core.web import crumbs, show_errors
from outreach.models import OutreachActivity

# --- Detail and workflow steps --------------------------------------------------------

RECORD_RESPONSE = gettext_lazy("Record response")


def _step_form(concern, name):
    step = STEPS[name]
    return step.form(label=step.submit, prefix=name, concern=concern)


def _step_forms(concern, actions, bound=None, opened=None):
    """The steps of the concern's page. Only a step coming back with what was typed, or
    opened by name (?step=), has its form built here; the others are fetched when opened
    (concern_step, GET): the CRO's page has eight steps and about twenty fields, and
    building them all on every view was half of the page's time."""
    steps = []
    for name in actions:
        if bound and bound[0] == name:
            form = bound[1]
        elif name == opened:
            form = _step_form(concern, name)
        else:
            form = None
        steps.append({"name": name, "title": STEPS[name].label, "form": form})
    return steps


def _suggested(concern, step_forms, suggestion):
    """The suggested step (concerns/next_step.py) taken out of the others, with its form
    built: it is shown open, first. Acknowledging a routing is not a step of the table: the
    page shows its button instead."""
    if suggestion is None:
        return None, step_forms
    for step in step_forms:
        if step["name"] == suggestion.name:
            if step["form"] is None:
                step["form"] = _step_form(concern, step["name"])
            return step, [s for s in step_forms if s is not step]
    return None, step_forms


def concern_detail(request, reference, *, bound=None, status=200):
    concern = get_concern_for(request, reference)
    actions = steps.available(request.user, concern)
    if bound and bound[0] in STEPS and bound[0] not in actions:
        # The step was refused (the concern moved on meanwhile): show what was typed and why.
        actions.append(bound[0])
    referrals = referrals_of(concern)
    awaiting = [r for r in referrals if r.awaiting]
    can_respond = awaiting and has_permission(
        request.user, Permission.WORK_CONCERN, concern=concern
    )
    response_form = None
    if can_respond:
        response_form = (
            bound[1]
            if bound and bound[0] == "respond"
            else ResponseForm(label=RECORD_RESPONSE, prefix="respond", concern=concern)
        )
    routings = routings_of(concern)
    next_step.attach_facts(concern, request.user, routings=routings, referrals=referrals)
    suggestion = next_step.next_step(concern, request.user)
    suggested, others = _suggested(
        concern, _step_forms(concern, actions, bound, request.GET.get("step")), suggestion
    )
    show_source = can_see_source(request.user, concern)
    if show_source and (concern.source_name or concern.source_contact):
        audit.source_viewed(request, concern)
    return render(
        request,
        "concerns/concern_detail.html",
        {
            "concern": concern,
            **attachments_context(request.user, concern, updates_of(concern), bound),
            "routings": routings,
            "referrals": referrals,
            "suggestion": suggestion,
            "suggested": suggested,
            "step_forms": others,
            "waiting": "" if suggestion else next_step.waiting_for(concern),
            "opened": request.GET.get("step"),
            "response_form": response_form,
            "show_source": show_source,
            # A link only where it opens: a record the person may not see is named as text.
            "opens_activity": concern.activity_id is not None
            and OutreachActivity.objects.visible_to(request.user)
            .filter(pk=concern.activity_id)
            .exists(),
            "opens_organization": has_permission(request.user, Permission.VIEW_ORGANIZATIONS),
            "today": timezone.localdate(),
            "ackable": [
                r
                for r in routings
                if r.acknowledged_at is None
                and has_permission(request.user, Permission.ACKNOWLEDGE_ROUTING, routing=r)
            ],
            "breadcrumbs": crumbs(
                (_("Concerns"), reverse("concerns:list")),
                (concern.reference, None),
            ),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def concern_step(request, reference, action):
    if action not in STEPS:
        raise Http404
    concern = get_concern_for(request, reference)
    if request.method == "GET":
        return _step_fragment(request, concern, action)
    step = STEPS[action]
    form = step.form(request.POST, label=step.submit, prefix=action, concern=concern)
    if form.is_valid():
        data = form.cleaned_data
        try:
            steps.take(action, concern=concern, by=request.user, data=data)
        except ValidationError as error:
            show_errors(form, error)
            if isinstance(error, EditConflict):
                form.show_stored(error)
        else:
            messages.success(request, step.done)
            return redirect(concern)
    return concern_detail(request, reference, bound=(action, form), status=400)


def _step_fragment(request, concern, action):
    """A step's form, fetched by the page when the step is opened (static/js/app.js). It
    carries the revision the page was shown with (?revision=), so that a step taken on a
    page someone else has changed since is refused as before. Opened any other way, the
    address leads to the concern's page with that step open."""
    if request.headers.get("X-Requested-With") != "fetch":
        return redirect(f"{concern.get_absolute_url()}?step={action}#step-{action}")
    if action not in steps.available(request.user, concern):
        raise PermissionDenied
    form = _step_form(concern, action)
    shown = request.GET.get("revision", "")
    if "revision" in form.fields and shown.isdigit():
        form.initial["revision"] = int(shown)
    step = {"name": action, "title": STEPS[action].label, "form": form}
    return render(request, "concerns/_step_form.html", {"concern": concern, "step": step})


@require_POST
def concern_respond(request, reference):
    concern = get_concern_for(request, reference)
    if not has_permission(request.user, Permission.WORK_CONCERN, concern=concern):
        raise PermissionDenied
    form = ResponseForm(request.POST, label=RECORD_RESPONSE, prefix="respond", concern=concern)
    if form.is_valid():
        try:
            services.record_referral_response(
                referral=form.cleaned_data["referral"],
                by=request.user,
                response=form.cleaned_data["response"],
                responded_on=form.cleaned_data["responded_on"],
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The response was recorded."))
            return redirect(concern)
    return concern_detail(request, reference, bound=("respond", form), status=400)


@require_POST
def routing_acknowledge(request, reference, routing_id):
    concern = get_concern_for(request, reference)
    routing = get_object_or_404(
        Routing.objects.select_related("unit"), pk=routing_id, concern=concern
    )
    try:
        services.acknowledge_routing(routing=routing, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Acknowledged for %(unit)s.") % {"unit": routing.unit.name})
    return redirect(concern)
