"""Pages for the recommendations to the Chief: the list, the form, and the page where the
CRO submits, the Chief decides and either marks it done."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission, show_errors
from reports import recommendations as services
from reports.forms import RecommendationForm
from reports.models import Recommendation

P = Permission
S = Recommendation.Status


def _crumbs(*pairs):
    return crumbs((_("Recommendations to the Chief"), reverse("reports:recommendations")), *pairs)


def _error_dict(error: ValidationError) -> dict:
    return getattr(error, "message_dict", {"__all__": error.messages})


def recommendation_list(request):
    require_permission(request, P.VIEW_RECOMMENDATIONS)
    status = request.GET.get("status", "")
    qs = Recommendation.objects.select_related(
        "created_by", "decided_by", "evaluation__program", "survey"
    ).annotate(n_concerns=Count("concerns"))
    if status in S.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "reports/recommendation_list.html",
        {
            "page": paginate(qs.order_by("-created_at", "-id"), request.GET.get("page")),
            "status": status,
            "statuses": S.choices,
            "query": f"status={status}" if status else "",
            "can_manage": has_permission(request.user, P.MANAGE_RECOMMENDATIONS),
            "breadcrumbs": crumbs((_("Recommendations to the Chief"), None)),
        },
    )


def _form_page(request, form, recommendation=None):
    title = _("Change the recommendation") if recommendation else _("New recommendation")
    back = (recommendation.title, recommendation.get_absolute_url()) if recommendation else None
    return render(
        request,
        "reports/recommendation_form.html",
        {
            "form": form,
            "recommendation": recommendation,
            "title": title,
            "breadcrumbs": _crumbs(*([back] if back else []), (title, None)),
        },
        status=400 if form.errors else 200,
    )


def _save(request, form, recommendation=None):
    """Validate, save through the service, redirect; or the form again with what was typed."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_recommendation(
                by=request.user,
                data=data,
                concerns=data["concern_refs"],
                recommendation=recommendation,
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved. Submit it to the Chief when it is ready."))
            return redirect(saved)
    return _form_page(request, form, recommendation)


@require_http_methods(["GET", "POST"])
def recommendation_new(request):
    require_permission(request, P.MANAGE_RECOMMENDATIONS)
    form = RecommendationForm(request.POST or None, user=request.user)
    return _save(request, form)


@require_http_methods(["GET", "POST"])
def recommendation_edit(request, pk):
    require_permission(request, P.MANAGE_RECOMMENDATIONS)
    recommendation = get_object_or_404(Recommendation, pk=pk)
    if request.method == "GET" and not services.is_editable(recommendation):
        messages.error(request, services.NOT_EDITABLE)
        return redirect(recommendation)
    form = RecommendationForm(request.POST or None, instance=recommendation, user=request.user)
    return _save(request, form, recommendation)


def recommendation_detail(request, pk, *, errors=None, typed=None, status=200):
    require_permission(request, P.VIEW_RECOMMENDATIONS)
    recommendation = get_object_or_404(
        Recommendation.objects.select_related(
            "created_by", "decided_by", "evaluation__program", "survey"
        ),
        pk=pk,
    )
    user = request.user
    can_manage = has_permission(user, P.MANAGE_RECOMMENDATIONS)
    can_decide = has_permission(user, P.DECIDE_RECOMMENDATIONS)
    return render(
        request,
        "reports/recommendation_detail.html",
        {
            "recommendation": recommendation,
            "concerns": list(
                recommendation.concerns.order_by("reference").only(
                    "reference", "date_received", "category", "area", "status"
                )
            ),
            "errors": errors or {},
            "typed": typed or {},
            "editable": services.is_editable(recommendation),
            "can_manage": can_manage,
            "can_decide": can_decide,
            "can_complete": can_manage or can_decide,
            "breadcrumbs": _crumbs((recommendation.title, None)),
        },
        status=status,
    )


def _step(request, pk, action, success, typed=None):
    """Run one service step from the detail page; a refusal shows the page again, with the
    reason and what was typed."""
    require_permission(request, P.VIEW_RECOMMENDATIONS)
    recommendation = get_object_or_404(Recommendation, pk=pk)
    try:
        action(recommendation)
    except ValidationError as error:
        return recommendation_detail(
            request, pk, errors=_error_dict(error), typed=typed, status=400
        )
    messages.success(request, success)
    return redirect(recommendation)


@require_POST
def recommendation_submit(request, pk):
    return _step(
        request,
        pk,
        lambda r: services.submit_recommendation(recommendation=r, by=request.user),
        _("Submitted to the Chief."),
    )


DECIDED = {
    "approve": gettext_lazy("Accepted. Mark it done when it has been carried out."),
    "decline": gettext_lazy("Declined. The CRO sees your reason."),
    "return": gettext_lazy("Sent back to the CRO with your questions."),
}


@require_POST
def recommendation_decide(request, pk):
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "")
    return _step(
        request,
        pk,
        lambda r: services.decide_recommendation(
            recommendation=r, by=request.user, decision=decision, comment=comment
        ),
        DECIDED.get(decision, ""),
        typed={"comment": comment},
    )


@require_POST
def recommendation_complete(request, pk):
    outcome = request.POST.get("outcome", "")
    return _step(
        request,
        pk,
        lambda r: services.complete_recommendation(
            recommendation=r, by=request.user, outcome=outcome
        ),
        _("Marked done. The annual report of the year it was accepted shows the outcome."),
        typed={"outcome": outcome},
    )
