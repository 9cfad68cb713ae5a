"""Who may do what: one Permission enum and one has_permission().

Every view, service and template asks here; nothing else decides. A permission is granted
by the roles a user holds (ROLE_PERMISSIONS); where the answer depends on the record
(whose concern, which category), a rule in RECORD_RULES narrows it with the context the
caller passes. Holding Django superuser does not replace a role (DESIGN §1).
"""

import functools
from collections.abc import Callable
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.roles import Role


class Permission(StrEnum):
    VIEW_HOME = "view_home"
    EDIT_AGENCY = "edit_agency"
    MANAGE_ACCOUNTS = "manage_accounts"
    UNLOCK_ACCOUNTS = "unlock_accounts"
    VIEW_AUDIT = "view_audit"  # the audit trail: the Chief and administrators
    # Concerns (001 IV.B-C)
    LOG_CONCERN = "log_concern"
    VIEW_CONCERN = "view_concern"  # record rule: concerns.rules.can_view
    VIEW_ALL_CONCERNS = "view_all_concerns"
    VIEW_CONCERN_SOURCE = "view_concern_source"
    VIEW_CONDUCT_CONCERNS = "view_conduct_concerns"
    NOTE_CONCERN = "note_concern"  # record rule: can_view
    ESCALATE_CONCERN = "escalate_concern"  # record rule: reporter or assignee
    RESOLVE_AS_OFFICER = "resolve_as_officer"  # record rule: reporter or assignee
    FORWARD_CONCERN = "forward_concern"
    WORK_CONCERN = "work_concern"  # recommend, route, refer, progress, assign, resolve
    REOPEN_CONCERN = "reopen_concern"
    ACKNOWLEDGE_ROUTING = "acknowledge_routing"  # record rule: the unit's commander
    EXPORT_CONCERNS = "export_concerns"
    MANAGE_DEPARTMENTS = "manage_departments"
    MERGE_CONCERNS = "merge_concerns"  # duplicates into a lead (concerns/duplicates.py)
    # Outreach (000 III, 002 300.3-300.9)
    VIEW_ORGANIZATIONS = "view_organizations"
    MANAGE_ORGANIZATIONS = "manage_organizations"
    LOG_ACTIVITY = "log_activity"
    EDIT_ACTIVITY = "edit_activity"  # record rule: outreach.rules.may_edit_activity
    VIEW_ALL_ACTIVITIES = "view_all_activities"
    EDIT_ANY_ACTIVITY = "edit_any_activity"
    VIEW_PARTICIPANTS = "view_participants"
    MANAGE_PARTICIPANTS = "manage_participants"
    VIEW_MATERIALS = "view_materials"
    MANAGE_MATERIALS = "manage_materials"
    DECIDE_MATERIALS = "decide_materials"
    RECORD_TRAINING_NEED = "record_training_need"
    VIEW_TRAINING_NEEDS = "view_training_needs"
    FORWARD_TRAINING_NEED = "forward_training_need"
    SCHEDULE_TRAINING = "schedule_training"
    VIEW_RECOGNITION = "view_recognition"
    RECOGNIZE = "recognize"
    SUBMIT_COMMUNITY_INPUT = "submit_community_input"  # record rule: holds an assignment
    VIEW_REPORTING_STATUS = "view_reporting_status"
    # Programs (000 V, 003 1.a.8)
    VIEW_PROGRAMS = "view_programs"
    MANAGE_PROGRAMS = "manage_programs"
    DECIDE_PROGRAMS = "decide_programs"
    EVALUATE_PROGRAMS = "evaluate_programs"
    VIEW_EVALUATIONS = "view_evaluations"
    # Surveys (002 300.5, 004 III.2)
    VIEW_SURVEYS = "view_surveys"
    MANAGE_SURVEYS = "manage_surveys"
    ENTER_PAPER_RESPONSES = "enter_paper_responses"
    DECIDE_SURVEYS = "decide_surveys"
    # The Chief's dashboard and inbox (000 III, 001 IV.C), recommendations, briefings (004)
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_INBOX = "view_inbox"
    VIEW_RECOMMENDATIONS = "view_recommendations"
    MANAGE_RECOMMENDATIONS = "manage_recommendations"
    DECIDE_RECOMMENDATIONS = "decide_recommendations"
    VIEW_BRIEFING = "view_briefing"
    # Reports (001 IV.A, 003 1.a.8)
    VIEW_REPORTS = "view_reports"
    MANAGE_REPORTS = "manage_reports"
    DECIDE_REPORTS = "decide_reports"
    # Integration: spreadsheet imports, the city's 311 system (issue: integration)
    IMPORT_RECORDS = "import_records"
    MANAGE_OPEN311_KEYS = "manage_open311_keys"
    # The agency's areas: beats, sectors, neighbourhoods (issue 22)
    MANAGE_AREAS = "manage_areas"


# Every employee, sworn or not, passes on what citizens say (000 IV.A, 001 IV.B).
_EVERY_ROLE = {
    Permission.VIEW_HOME,
    Permission.LOG_CONCERN,
    Permission.VIEW_CONCERN,
    Permission.NOTE_CONCERN,
    Permission.ESCALATE_CONCERN,
    Permission.RESOLVE_AS_OFFICER,
    Permission.ACKNOWLEDGE_ROUTING,
    Permission.VIEW_ORGANIZATIONS,
    Permission.LOG_ACTIVITY,
    Permission.EDIT_ACTIVITY,
    Permission.VIEW_RECOGNITION,
    Permission.SUBMIT_COMMUNITY_INPUT,
    Permission.VIEW_PROGRAMS,
}
# Supervisors, the CRO and the Chief see every concern, conduct and bias ones included
# (001 IV.C), and the confidential source details.
_OVERSIGHT = {
    Permission.VIEW_ALL_CONCERNS,
    Permission.VIEW_CONDUCT_CONCERNS,
    Permission.VIEW_CONCERN_SOURCE,
    Permission.EXPORT_CONCERNS,
    Permission.REOPEN_CONCERN,
    Permission.VIEW_ALL_ACTIVITIES,
    Permission.RECORD_TRAINING_NEED,
    Permission.VIEW_TRAINING_NEEDS,
    Permission.VIEW_BRIEFING,
}

# Participants' personal data and the give-away materials: the CRO and the Chief only.
_UNIT_AND_CHIEF = {
    Permission.VIEW_REPORTS,
    Permission.VIEW_EVALUATIONS,
    Permission.VIEW_PARTICIPANTS,
    Permission.VIEW_MATERIALS,
    Permission.RECOGNIZE,
    Permission.VIEW_REPORTING_STATUS,
    Permission.VIEW_SURVEYS,
    Permission.VIEW_DASHBOARD,
    Permission.VIEW_RECOMMENDATIONS,
}

ROLE_PERMISSIONS: dict[Role, set[Permission]] = {
    Role.OFFICER: set(_EVERY_ROLE),
    Role.SUPERVISOR: _EVERY_ROLE | _OVERSIGHT | {Permission.FORWARD_CONCERN},
    Role.CRO: _EVERY_ROLE
    | _OVERSIGHT
    | _UNIT_AND_CHIEF
    | {
        Permission.EDIT_AGENCY,
        Permission.WORK_CONCERN,
        Permission.MANAGE_DEPARTMENTS,
        Permission.MANAGE_ORGANIZATIONS,
        Permission.EDIT_ANY_ACTIVITY,
        Permission.MANAGE_PARTICIPANTS,
        Permission.MANAGE_MATERIALS,
        Permission.FORWARD_TRAINING_NEED,
        Permission.MANAGE_PROGRAMS,
        Permission.EVALUATE_PROGRAMS,
        Permission.MANAGE_REPORTS,
        Permission.MANAGE_SURVEYS,
        Permission.ENTER_PAPER_RESPONSES,
        Permission.MANAGE_RECOMMENDATIONS,
        Permission.IMPORT_RECORDS,
        Permission.MANAGE_OPEN311_KEYS,
        Permission.MANAGE_AREAS,
        Permission.MERGE_CONCERNS,
        Permission.UNLOCK_ACCOUNTS,
    },
    Role.CHIEF: _EVERY_ROLE
    | _OVERSIGHT
    | _UNIT_AND_CHIEF
    | {
        Permission.EDIT_AGENCY,
        Permission.FORWARD_CONCERN,
        Permission.WORK_CONCERN,
        Permission.DECIDE_MATERIALS,
        Permission.DECIDE_PROGRAMS,
        Permission.DECIDE_REPORTS,
        Permission.DECIDE_SURVEYS,
        Permission.DECIDE_RECOMMENDATIONS,
        Permission.VIEW_INBOX,
        Permission.UNLOCK_ACCOUNTS,
        Permission.VIEW_AUDIT,
    },
    Role.TRAINING_OFFICER: _EVERY_ROLE
    | {Permission.VIEW_TRAINING_NEEDS, Permission.SCHEDULE_TRAINING},
}

# Rules that look at the record. Each gets (user, **context) and returns True to allow.
# Apps register theirs in AppConfig.ready() so that this module imports no app models.
RECORD_RULES: dict[Permission, Callable[..., bool]] = {}


def permissions_for(user) -> frozenset[Permission]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    return _granted(user.role_names, user.is_superuser)


@functools.cache
def _granted(role_names: frozenset[str], is_superuser: bool) -> frozenset[Permission]:
    """What a set of roles grants, worked out once per combination: a page asks it for every
    menu item and every row (a hundred times a list page)."""
    granted: set[Permission] = set()
    for role in Role:
        if role.value in role_names:
            granted |= ROLE_PERMISSIONS[role]
    if is_superuser:
        # Administrators manage accounts and may bring old records in (issue: integration).
        granted |= {
            Permission.MANAGE_ACCOUNTS,
            Permission.MANAGE_AREAS,
            Permission.MERGE_CONCERNS,
            Permission.IMPORT_RECORDS,
            Permission.UNLOCK_ACCOUNTS,
            Permission.VIEW_AUDIT,
        }
    return frozenset(granted)


def forget_grants() -> None:
    """After ROLE_PERMISSIONS changed (a test trying another role table)."""
    _granted.cache_clear()


def has_permission(user, perm: Permission, **context) -> bool:
    if perm not in permissions_for(user):
        return False
    rule = RECORD_RULES.get(perm)
    return rule(user, **context) if rule and context else True


def require(user, perm: Permission, **context) -> None:
    """Raise PermissionDenied unless the user holds the permission (used by services)."""
    if not has_permission(user, perm, **context):
        raise PermissionDenied(
            _("You do not have permission to %(action)s.")
            % {"action": perm.value.replace("_", " ")}
        )
