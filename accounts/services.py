from django.db import transaction

from accounts.models import Agency
from core.permissions import Permission, require


@transaction.atomic
def update_agency(*, by, form) -> Agency:
    """The Chief or the CRO keeps the letterhead details current."""
    from django.core.cache import cache

    from accounts.mfa import EVERYONE_KEY

    require(by, Permission.EDIT_AGENCY)
    agency = form.save()
    cache.delete(EVERYONE_KEY)  # the two-factor switch may have changed
    return agency
