"""The next step: what the workflow expects of this person on this concern now (issue 23).

One answer for every place that tells it: each row of a concern list
(templates/concerns/_concern_rows.html), the concern's page (its suggested action, above
the others) and the homes. It adds no rule about who may do what: the step suggested is
the first row of the steps table (concerns/steps.py) that this person may take from the
concern's status and that moves the concern on along the workflow, so a suggestion is
never a step the page would not offer or the service would refuse. What this module adds
is whose move the workflow waits for, by status (001 IV.B, DESIGN §2):

- a routing a unit has not acknowledged yet: that unit's commander (000 III.5);
- escalated: whoever may forward it (a supervisor, the Chief) decides on the escalation;
- referred: the department it was referred to, whose answer is awaited;
- any other open status: the person it is assigned to; unassigned, the officer who logged
  a received concern (resolve within authority or escalate), else the CRO (a resident's
  submission, one forwarded, reopened or being worked);
- resolved, or merged into another: nobody.

Anyone else reads: no step, but what the concern waits for ("Waiting for Traffic to
acknowledge the routing"). This is the per-record answer to ConcernQuerySet.
needs_action_by, the queue ("Needs my action").

Everything is read from the row: the facts that live in other tables (routings,
referrals) come as annotations (ConcernQuerySet.with_row_facts) or, on the concern's page,
from the routings and referrals it loads anyway (`attach_facts`): never a query per row.
"""

from dataclasses import dataclass

from django.db.models.expressions import RawSQL
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns import rules
from concerns.models import Concern
from concerns.steps import STEPS
from core.permissions import Permission, permissions_for
from core.prepared import Prepared
from core.roles import Role

S = Concern.Status

# Not a row of the steps table: acknowledging a routing is the unit's, with its own service
# (services.acknowledge_routing) and its own button on the concern's page.
ACKNOWLEDGE = "acknowledge"

# The workflow's order, to tell a step that moves a concern on from one that sends it back
# (from "in progress", "Refer" would). A reopened concern starts again where a forwarded
# one does: with the CRO.
_ORDER = {status: i for i, status in enumerate(S)}
_ORDER[S.REOPENED] = _ORDER[S.FORWARDED]

# The few suggestions worded for what the person decides rather than after one step.
DECIDE_ESCALATION = _("Decide on the escalation")

# Row facts (ConcernQuerySet.with_row_facts) and the values of a concern without any.
FACTS = {
    "description_start": "",
    "pending_unit": None,
    "viewer_unit": None,
    "viewer_routed": False,
    "awaiting_department": None,
    "awaiting_due": None,
}


@dataclass(frozen=True)
class Suggestion:
    name: str  # a key of concerns.steps.STEPS, or ACKNOWLEDGE
    label: str


def has_facts(concern: Concern) -> bool:
    return all(hasattr(concern, name) for name in FACTS)


# A page's row facts, read after its rows for all of them in one query compiled once
# (core/prepared.py): the rows' own query, which changes with every filter, stays small to
# build and compile.
ROW_FACTS = Prepared(
    lambda ids, commander: (
        Concern.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
        .order_by()
        .row_facts_for(commander)
        .values_list("pk", *FACTS)
    ),
    list,
    int,
)


def load_facts(concerns: list, viewer) -> None:
    """The row facts of those of the concerns loaded without them, in one query for all."""
    missing = [c for c in concerns if not has_facts(c)]
    if not missing:
        return
    commander = viewer.pk or 0  # nobody commands as the anonymous user
    found = {pk: facts for pk, *facts in ROW_FACTS.rows([c.pk for c in missing], commander)}
    for concern in missing:
        facts = found.get(concern.pk)
        for i, (name, empty) in enumerate(FACTS.items()):
            setattr(concern, name, facts[i] if facts else empty)


def attach_facts(concern: Concern, user, *, routings, referrals) -> Concern:
    """The row facts of one concern from its loaded routings (with their units) and
    referrals (with their departments): what the concern's page has at hand."""
    pending = [r for r in routings if r.acknowledged_at is None]
    mine = [r for r in pending if r.unit.commander_id == user.pk]
    awaited = sorted((r for r in referrals if r.responded_on is None), key=lambda r: r.due_on)
    concern.description_start = concern.description[:120]
    concern.pending_unit = pending[0].unit.name if pending else None
    concern.viewer_unit = mine[0].unit.name if mine else None
    concern.viewer_routed = any(r.unit.commander_id == user.pk for r in routings)
    concern.awaiting_department = awaited[0].department.name if awaited else None
    concern.awaiting_due = awaited[0].due_on if awaited else None
    return concern


def _whose_move(concern: Concern) -> str | None:
    """Who the workflow waits for: "unit", "supervisor", "department", "assignee",
    "reporter", "cro", or None when nobody does."""
    if concern.status == S.RESOLVED or concern.duplicate_of_id is not None:
        return None
    if concern.pending_unit:
        return "unit"
    if concern.status == S.ESCALATED:
        return "supervisor"
    if concern.status == S.REFERRED:
        return "department"
    if concern.assignee_id is not None:
        return "assignee"
    if concern.status == S.RECEIVED and concern.reported_by_id is not None:
        return "reporter"
    return "cro"


def _is_theirs(whose: str, concern: Concern, user) -> bool:
    if whose == "supervisor":
        return STEPS["forward"].allowed(user, concern)
    if whose == "assignee":
        return concern.assignee_id == user.pk
    if whose == "reporter":
        return concern.reported_by_id == user.pk
    if whose == "cro":
        return user.has_role(Role.CRO)
    return False


def _moves_on(name: str, concern: Concern) -> bool:
    step = STEPS[name]
    if concern.status not in step.statuses or step.target is None:
        return False
    if concern.status in step.keeps:
        return False
    return _ORDER[step.target] > _ORDER[concern.status]


def next_step(concern: Concern, user) -> Suggestion | None:
    """The step the workflow expects of `user` on `concern` now, or None."""
    if concern.viewer_unit and concern.duplicate_of_id is None and concern.is_open:
        return Suggestion(
            ACKNOWLEDGE,
            gettext("Acknowledge the routing for %(unit)s") % {"unit": concern.viewer_unit},
        )
    whose = _whose_move(concern)
    if whose is None or not _is_theirs(whose, concern, user):
        return None
    for name, step in STEPS.items():
        if _moves_on(name, concern) and step.allowed(user, concern):
            label = DECIDE_ESCALATION if concern.status == S.ESCALATED else step.label
            return Suggestion(name, str(label))
    return None


def waiting_for(concern: Concern) -> str:
    """What the concern waits for, in words, for those whose move it is not ("" when
    nothing: resolved, or merged into another)."""
    whose = _whose_move(concern)
    if whose == "unit":
        return gettext("Waiting for %(unit)s to acknowledge the routing") % {
            "unit": concern.pending_unit
        }
    if whose == "supervisor":
        return gettext("Waiting for a supervisor's decision")
    if whose == "department":
        if concern.awaiting_department:
            return gettext("Waiting for %(department)s to answer") % {
                "department": concern.awaiting_department
            }
        return gettext("Waiting for the department's answer")
    if whose == "assignee":
        return gettext("Waiting for %(name)s to follow up") % {
            "name": concern.assignee.display_name
        }
    if whose == "reporter":
        return gettext("Waiting for %(name)s to resolve or escalate it") % {
            "name": concern.reporter_name or gettext("the officer who logged it")
        }
    if whose == "cro":
        return gettext("Waiting for the Community Relations Officer")
    return ""


def may_open(concern: Concern, user) -> bool:
    """Whether the person may open the concern's page (concerns.rules.can_view), answered
    from the row: the rule's one question that needs another table, whether the concern
    was routed to a unit they command, comes with the row facts. A test holds the two to
    the same answers."""
    granted = permissions_for(user)
    if Permission.VIEW_CONCERN not in granted:
        return False
    if not has_facts(concern):
        return rules.can_view(user, concern=concern)
    if concern.is_conduct:
        return Permission.VIEW_CONDUCT_CONCERNS in granted
    if Permission.VIEW_ALL_CONCERNS in granted:
        return True
    return user.pk in (concern.reported_by_id, concern.assignee_id) or concern.viewer_routed
