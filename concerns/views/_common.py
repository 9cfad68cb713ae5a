"""What every concern page shares: finding a concern the person may see."""

from django.http import Http404

from concerns.models import Concern
from concerns.page_reads import concern_by_reference
from core.permissions import Permission, has_permission

# --- Helpers --------------------------------------------------------------------------


def get_concern_for(request, reference: str) -> Concern:
    """A concern the user may see, or 404: a concern you may not see does not exist."""
    concern = concern_by_reference(reference)
    if concern is None or not has_permission(
        request.user, Permission.VIEW_CONCERN, concern=concern
    ):
        raise Http404
    return concern
