from django.db import transaction

from accounts.models import Agency
from accounts.permissions import Permission, require


@transaction.atomic
def update_agency(*, by, form) -> Agency:
    """The Chief or the CRO keeps the letterhead details current."""
    require(by, Permission.EDIT_AGENCY)
    return form.save()
