"""Pages for training needs: the list, recording a need, and its steps (forwarded to the
Training Officer, scheduled, delivered)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission
from outreach import services
from outreach.forms import DeliveredForm, ScheduleForm, TrainingNeedForm
from outreach.models import TrainingNeed
from outreach.views._common import _form_page


def training_list(request):
    require_permission(request, Permission.VIEW_TRAINING_NEEDS)
    status = request.GET.get("status", "")
    qs = TrainingNeed.objects.select_related("identified_by")
    if status in TrainingNeed.Status.values:
        qs = qs.filter(status=status)
    page = paginate(qs.order_by("-created_at", "-id"), request.GET.get("page"))
    return render(
        request,
        "outreach/training_list.html",
        {
            "page": page,
            "status": status,
            "statuses": TrainingNeed.Status.choices,
            "can_record": has_permission(request.user, Permission.RECORD_TRAINING_NEED),
            "can_forward": has_permission(request.user, Permission.FORWARD_TRAINING_NEED),
            "can_schedule": has_permission(request.user, Permission.SCHEDULE_TRAINING),
            "schedule_form": ScheduleForm(),
            "delivered_form": DeliveredForm(),
            "breadcrumbs": crumbs((_("Training needs"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def training_new(request):
    require_permission(request, Permission.RECORD_TRAINING_NEED)
    form = TrainingNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_training_need(by=request.user, form=form)
        messages.success(request, _("The training need was recorded."))
        return redirect("outreach:training")
    return _form_page(
        request,
        form,
        _("Record a training need"),
        crumbs((_("Training needs"), reverse("outreach:training")), (_("Record"), None)),
        intro=_("From citizen interviews, internal affairs, supervisors or surveys."),
    )


@require_POST
def training_step(request, pk, step):
    need = get_object_or_404(TrainingNeed, pk=pk)
    try:
        if step == "forward":
            services.forward_training_need(need=need, by=request.user)
            done = _("Forwarded to the Training Officer.")
        elif step == "schedule":
            form = ScheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the date of the training."))
            services.schedule_training(
                need=need,
                by=request.user,
                scheduled_for=form.cleaned_data["scheduled_for"],
                notes=form.cleaned_data["notes"],
            )
            done = _("The training was scheduled.")
        elif step == "deliver":
            form = DeliveredForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Give the date the training was delivered."))
            services.mark_training_delivered(
                need=need,
                by=request.user,
                delivered_on=form.cleaned_data["delivered_on"],
                notes=form.cleaned_data["notes"],
            )
            done = _("Marked as delivered.")
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("outreach:training")
