"""What every concern page shares: finding a concern the person may see."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from concerns.models import Concern
from core.permissions import Permission, has_permission

# --- Helpers --------------------------------------------------------------------------


def get_concern_for(request, reference: str) -> Concern:
    """A concern the user may see, or 404: a concern you may not see does not exist."""
    concern = get_object_or_404(
        Concern.objects.select_related(
            "reported_by", "assignee", "organization", "activity", "defined_area"
        )
        # The page's map draws the area from the process's simplified shapes
        # (accounts/maps.py); a traced boundary is thousands of points to read for nothing.
        .defer("defined_area__boundary"),
        reference=reference,
    )
    if not has_permission(request.user, Permission.VIEW_CONCERN, concern=concern):
        raise Http404
    return concern
