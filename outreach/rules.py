"""Record rules for outreach, registered with core.permissions.RECORD_RULES."""

from core.permissions import Permission, permissions_for


def may_edit_activity(user, *, activity, **_) -> bool:
    """Officers edit what they logged or took part in; the CRO edits any."""
    if Permission.EDIT_ANY_ACTIVITY in permissions_for(user):
        return True
    return activity.logged_by_id == user.pk or activity.officers.filter(pk=user.pk).exists()


def holds_assignment(user, *, assignment=None, **_) -> bool:
    if assignment is not None:
        return assignment.officer_id == user.pk and assignment.is_active
    return user.reporting_assignments.filter(is_active=True).exists()
