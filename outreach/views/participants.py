"""Pages for an activity's participants (waivers and background checks): adding, editing
and removing one, reached from the activity's page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import Permission
from core.web import crumbs, require_permission, show_errors
from outreach import services
from outreach.forms import ParticipantForm
from outreach.models import Participant
from outreach.views._common import _form_page
from outreach.views.activities import get_activity_for


@require_http_methods(["GET", "POST"])
def participant_edit(request, activity_pk, pk=None):
    activity = get_activity_for(request, activity_pk)
    require_permission(request, Permission.MANAGE_PARTICIPANTS)
    instance = get_object_or_404(Participant, pk=pk, activity=activity) if pk else None
    initial = {}
    if instance is None and activity.background_check_required:
        initial["background_check"] = Participant.Check.REQUIRED
    form = ParticipantForm(request.POST or None, instance=instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_participant(by=request.user, form=form, activity=activity)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("The participant was saved."))
            return redirect(activity)
    title = _("Edit %(name)s") % {"name": instance.name} if instance else _("Add a participant")
    return _form_page(
        request,
        form,
        title,
        crumbs(
            (_("Outreach activities"), reverse("outreach:activities")),
            (activity.title, activity.get_absolute_url()),
            (title, None),
        ),
        intro=_("Participants' details are seen only by the CRO and the Chief."),
    )


@require_POST
def participant_remove(request, activity_pk, pk):
    activity = get_activity_for(request, activity_pk)
    participant = get_object_or_404(Participant, pk=pk, activity=activity)
    services.remove_participant(by=request.user, participant=participant)
    messages.success(request, _("%(name)s was removed.") % {"name": participant.name})
    return redirect(activity)
