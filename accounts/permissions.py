"""Who may do what: one Permission enum and one has_permission().

Every view, service and template asks here; nothing else decides. A permission is granted
by the roles a user holds (ROLE_PERMISSIONS); where the answer depends on the record
(whose concern, which category), a rule in RECORD_RULES narrows it with the context the
caller passes. Holding Django superuser does not replace a role (DESIGN §1).
"""

from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied

from accounts.roles import Role


class Permission(StrEnum):
    VIEW_HOME = "view_home"
    EDIT_AGENCY = "edit_agency"
    MANAGE_ACCOUNTS = "manage_accounts"


_EVERY_ROLE = {Permission.VIEW_HOME}

ROLE_PERMISSIONS: dict[Role, set[Permission]] = {
    Role.OFFICER: set(_EVERY_ROLE),
    Role.SUPERVISOR: set(_EVERY_ROLE),
    Role.CRO: _EVERY_ROLE | {Permission.EDIT_AGENCY},
    Role.CHIEF: _EVERY_ROLE | {Permission.EDIT_AGENCY},
    Role.TRAINING_OFFICER: set(_EVERY_ROLE),
}

# Rules that look at the record. Each gets (user, **context) and returns True to allow.
RECORD_RULES: dict[Permission, Callable[..., bool]] = {}


def permissions_for(user) -> set[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    granted: set[Permission] = set()
    for role in Role:
        if role.value in user.role_names:
            granted |= ROLE_PERMISSIONS[role]
    if user.is_superuser:
        granted.add(Permission.MANAGE_ACCOUNTS)
    return granted


def has_permission(user, perm: Permission, **context) -> bool:
    if perm not in permissions_for(user):
        return False
    rule = RECORD_RULES.get(perm)
    return rule(user, **context) if rule and context else True


def require(user, perm: Permission, **context) -> None:
    """Raise PermissionDenied unless the user holds the permission (used by services)."""
    if not has_permission(user, perm, **context):
        raise PermissionDenied(f"You do not have permission to {perm.value.replace('_', ' ')}.")
