"""Who may see a concern is written twice, and the two must agree.

As SQL, `Concern.objects.visible_to(user)`: the lists, the export, the dashboards and the
"waiting for you" counts read through it. As Python, the record rule for
`Permission.VIEW_CONCERN` (`concerns.rules.can_view`, registered in `ConcernsConfig.ready`):
`get_concern_for` asks `has_permission(user, VIEW_CONCERN, concern=...)` before it shows a
concern's page, and answers 404 when it says no. If they part, a concern shows in a list
and then 404s when clicked, or (worse) a page opens that no list would have shown.

The users and concerns below are built as a cross product of what either definition reads:

* 11 users: each role alone (officer, supervisor, CRO, Chief, training officer), no role,
  an inactive officer, an inactive supervisor, a superuser without a role, and two users
  holding two roles (officer + training officer: neither sees all; officer + supervisor:
  one of them does). Every user commands a unit of their own.
* 50 concerns. 44 come from a rotation over the users: for user i, one concern logged by
  user i, assigned to user i+1 and routed to the unit of user i+2, for each category
  (traffic; officer conduct or bias) and for the routing acknowledged and not. So every
  user is, for each category and each acknowledgement, the one who logged a concern, the
  one it is assigned to, and the commander it was routed to, each on its own concern, and
  a stranger to the rest. The status rotates too (received, escalated, forwarded, in
  progress, resolved, reopened). 6 more are residents' own submissions (no officer, no
  assignee), either category, received, escalated (routed to a unit without a commander)
  or resolved.

A few of these rows are not ones the services would make (a traffic concern escalated with
nobody's say, a conduct concern left "received"): visibility reads no status, and both
definitions must answer for any row the table can hold.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User
from concerns.models import Concern, Routing
from core.permissions import Permission, has_permission
from core.roles import Role
from tests.factories import ConcernFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

ZONE = ZoneInfo("America/Chicago")
RECEIVED_ON = dt.date(2026, 5, 4)
ACKNOWLEDGED_AT = dt.datetime(2026, 5, 6, 9, 30, tzinfo=ZONE)
RESOLVED_AT = dt.datetime(2026, 5, 20, 16, 0, tzinfo=ZONE)

# label: (roles, extra fields)
USERS = {
    "officer": ([Role.OFFICER], {}),
    "supervisor": ([Role.SUPERVISOR], {}),
    "CRO": ([Role.CRO], {}),
    "Chief": ([Role.CHIEF], {}),
    "training officer": ([Role.TRAINING_OFFICER], {}),
    "no role": ([], {}),
    "inactive officer": ([Role.OFFICER], {"is_active": False}),
    "inactive supervisor": ([Role.SUPERVISOR], {"is_active": False}),
    "superuser without a role": ([], {"is_superuser": True, "is_staff": True}),
    "officer + training officer": ([Role.OFFICER, Role.TRAINING_OFFICER], {}),
    "officer + supervisor": ([Role.OFFICER, Role.SUPERVISOR], {}),
}
CATEGORIES = [Concern.Category.TRAFFIC, Concern.Category.CONDUCT_BIAS]
STATUSES = [
    Concern.Status.RECEIVED,
    Concern.Status.ESCALATED,
    Concern.Status.FORWARDED,
    Concern.Status.IN_PROGRESS,
    Concern.Status.RESOLVED,
    Concern.Status.REOPENED,
]
RESIDENT_SUBMISSIONS = [
    # (category, status, routed to a unit without a commander)
    (category, status, status == Concern.Status.ESCALATED)
    for category in CATEGORIES
    for status in (Concern.Status.RECEIVED, Concern.Status.ESCALATED, Concern.Status.RESOLVED)
]


def _make_users():
    users = {}
    for n, (label, (roles, extra)) in enumerate(USERS.items()):
        users[label] = UserFactory(
            username=f"vis-{n}", first_name=label, last_name="", roles=roles, **extra
        )
    return users


def _concern(*, category, status, reported_by, assignee):
    return ConcernFactory(
        date_received=RECEIVED_ON,
        category=category,
        status=status,
        resolved_at=RESOLVED_AT if status == Concern.Status.RESOLVED else None,
        reported_by=reported_by,
        assignee=assignee,
    )


def _route(concern, unit, *, routed_by, acknowledged):
    Routing.objects.create(
        concern=concern,
        unit=unit,
        routed_by=routed_by,
        acknowledged_at=ACKNOWLEDGED_AT if acknowledged else None,
        acknowledged_by=unit.commander if acknowledged else None,
    )


def _make_concerns(users):
    """The concerns and, for each, what it is to each user (for the descriptions)."""
    labels = list(users)
    units = {
        label: UnitFactory(name=f"Unit of the {label}", commander=user)
        for label, user in users.items()
    }
    router = users["CRO"]
    described = {}
    for i, label in enumerate(labels):
        assignee_label = labels[(i + 1) % len(labels)]
        commander_label = labels[(i + 2) % len(labels)]
        for c, category in enumerate(CATEGORIES):
            for acknowledged in (False, True):
                status = STATUSES[(i + 2 * c + acknowledged) % len(STATUSES)]
                concern = _concern(
                    category=category,
                    status=status,
                    reported_by=users[label],
                    assignee=users[assignee_label],
                )
                _route(concern, units[commander_label], routed_by=router, acknowledged=acknowledged)
                described[concern.pk] = (
                    f"{concern.reference} {category}/{status}, logged by the {label}, "
                    f"assigned to the {assignee_label}, routed to the {commander_label}'s unit "
                    f"({'acknowledged' if acknowledged else 'not acknowledged'})"
                )
    nobodys_unit = UnitFactory(name="Unit without a commander", commander=None)
    for category, status, routed in RESIDENT_SUBMISSIONS:
        concern = _concern(category=category, status=status, reported_by=None, assignee=None)
        if routed:
            _route(concern, nobodys_unit, routed_by=router, acknowledged=False)
        described[concern.pk] = (
            f"{concern.reference} {category}/{status}, a resident's own submission, "
            f"unassigned, {'routed to a unit without a commander' if routed else 'not routed'}"
        )
    return described


def _describe_user(label, user):
    flags = sorted(user.groups.values_list("name", flat=True)) or ["no role"]
    if not user.is_active:
        flags.append("inactive")
    if user.is_superuser:
        flags.append("superuser")
    return f"{label} ({', '.join(flags)})"


def _relations(user, concern):
    """What the concern is to the user, as the coverage check counts it."""
    kinds = set()
    if concern.reported_by_id == user.pk:
        kinds.add("logged")
    if concern.assignee_id == user.pk:
        kinds.add("assigned")
    for routing in concern.routings.all():
        if routing.unit.commander_id == user.pk:
            kinds.add("commands, acknowledged" if routing.acknowledged_at else "commands, pending")
    return kinds or {"stranger"}


def test_cross_product_covers_every_case():
    """The fixture itself: each user stands in each relation to a concern of each category,
    on its own, and each status shows in each category. A change to the rotation that
    quietly drops a case fails here, not by making the agreement test easier."""
    users = _make_users()
    _make_concerns(users)
    concerns = list(Concern.objects.prefetch_related("routings__unit"))
    assert len(users) == 11
    assert len(concerns) == 50
    wanted = {"logged", "assigned", "commands, acknowledged", "commands, pending", "stranger"}
    for label, user in users.items():
        for category in CATEGORIES:
            seen = set()
            for concern in concerns:
                kinds = _relations(user, concern)
                if concern.category == category and len(kinds) == 1:
                    seen |= kinds
            assert seen == wanted, (label, category)
    for category in CATEGORIES:
        statuses = {c.status for c in concerns if c.category == category}
        assert statuses == set(STATUSES), category


def test_visible_to_agrees_with_the_view_rule_for_every_user_and_concern():
    users = _make_users()
    described = _make_concerns(users)
    # Fresh rows, as a request would read them: no cached roles, no prefetched routings.
    concerns = list(Concern.objects.order_by("pk"))
    assert len(concerns) == len(described) == 50

    disagreements = []
    for label, made in users.items():
        user = User.objects.get(pk=made.pk)
        # The SQL side, as the lists read it: one query per user, the ids it lets through.
        in_sql = set(Concern.objects.visible_to(user).values_list("pk", flat=True))
        for concern in concerns:
            # The Python side, exactly as get_concern_for asks before showing the page.
            in_python = has_permission(user, Permission.VIEW_CONCERN, concern=concern)
            if (concern.pk in in_sql) != in_python:
                disagreements.append(
                    f"{_describe_user(label, user)} / {described[concern.pk]}: "
                    f"visible_to says {'visible' if concern.pk in in_sql else 'hidden'}, "
                    f"the VIEW_CONCERN rule says {'visible' if in_python else 'hidden'}"
                )

    assert not disagreements, (
        f"{len(disagreements)} (user, concern) pairs where Concern.objects.visible_to and "
        "has_permission(VIEW_CONCERN, concern=...) disagree:\n" + "\n".join(disagreements)
    )


# How many of the 50 each user sees by docs/ARCHITECTURE.md ("Who sees what", and conduct
# and bias concerns only to supervisors, the CRO and the Chief): all of them for those
# roles; for the others the traffic concerns they logged (2), hold (2) or command a unit
# for (2); nothing without a role, or with an inactive account. Guards the agreement test
# against passing because both sides see nothing (or everything).
SEES = {
    "officer": 6,
    "supervisor": 50,
    "CRO": 50,
    "Chief": 50,
    "training officer": 6,
    "no role": 0,
    "inactive officer": 0,
    "inactive supervisor": 0,
    "superuser without a role": 0,
    "officer + training officer": 6,
    "officer + supervisor": 50,
}


def test_each_user_sees_what_the_architecture_says():
    users = _make_users()
    _make_concerns(users)
    concerns = list(Concern.objects.all())
    got = {}
    for label, made in users.items():
        user = User.objects.get(pk=made.pk)
        in_sql = set(Concern.objects.visible_to(user).values_list("pk", flat=True))
        in_python = {
            c.pk for c in concerns if has_permission(user, Permission.VIEW_CONCERN, concern=c)
        }
        got[label] = (len(in_sql), len(in_python))
    assert got == {label: (n, n) for label, n in SEES.items()}
