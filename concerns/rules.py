"""Record rules for concerns, registered with core.permissions.RECORD_RULES."""

from core.permissions import Permission, permissions_for


def can_view(user, *, concern, **_) -> bool:
    granted = permissions_for(user)
    if concern.is_conduct:
        # 001 IV.C: conduct and bias concerns only to supervisors, the CRO and the Chief.
        return Permission.VIEW_CONDUCT_CONCERNS in granted
    if Permission.VIEW_ALL_CONCERNS in granted:
        return True
    return user.pk in (concern.reported_by_id, concern.assignee_id) or (
        _is_commander_of_routed_unit(user, concern)
    )


def holds_concern(user, *, concern, **_) -> bool:
    """The officer who logged the concern, or the one it is assigned to."""
    return can_view(user, concern=concern) and user.pk in (
        concern.reported_by_id,
        concern.assignee_id,
    )


def commands_unit(user, *, routing=None, concern=None, **_) -> bool:
    if routing is not None:
        return routing.unit.commander_id == user.pk
    return concern is not None and _is_commander_of_routed_unit(user, concern)


def _is_commander_of_routed_unit(user, concern) -> bool:
    return concern.routings.filter(unit__commander_id=user.pk).exists()


def can_see_source(user, concern) -> bool:
    """Source name and contact are confidential: oversight roles, and the officer who took them."""
    if Permission.VIEW_CONCERN_SOURCE in permissions_for(user):
        return True
    return concern.reported_by_id is not None and concern.reported_by_id == user.pk
