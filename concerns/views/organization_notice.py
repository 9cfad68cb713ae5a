"""The button "Tell <organization> the outcome" (concerns/organization_notice.py), shown on
the organization's page (templates/outreach/_concern_responses.html)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from concerns import organization_notice
from concerns.views._common import get_concern_for
from core.web import require_permission


@require_POST
def tell_organization(request, reference):
    # Who may send comes first: any other role gets 403, whether or not it sees the concern.
    require_permission(request, organization_notice.TELL_PERMISSION)
    concern = get_concern_for(request, reference)
    back = concern.organization or concern
    try:
        line, sent = organization_notice.tell_organization(concern=concern, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    words = {
        "organization": back.name,
        "reference": concern.reference,
        "date": dateformat.format(timezone.localtime(line.created_at), "F j, Y"),
    }
    if sent:
        messages.success(
            request, _("%(organization)s was sent the outcome of %(reference)s.") % words
        )
    else:
        messages.info(
            request,
            _("%(organization)s was already told the outcome of %(reference)s on %(date)s.")
            % words,
        )
    return redirect(back)
