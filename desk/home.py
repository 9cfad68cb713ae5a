"""What waits for each person on their home page.

Each role holds a few short lists ("waiting" blocks): the first ROWS records that need this
person, oldest first, with how many there are in all and a link to the whole list. A person
with several roles gets each block once. Every block costs the same two queries (a capped
count and its first rows) however many records wait; the Chief's decisions cost one query
per kind of record (core.decisions.INBOX)."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concerns.models import Concern, Routing
from concerns.next_step import load_facts
from core.permissions import Permission, has_permission
from core.roles import Role
from desk import inbox as inbox_items
from outreach.models import TrainingNeed

ROWS = 8
# Counted up to a cap: an exact count of a large queue reads the whole table
# (PERFORMANCE.md); the home says "more than 1,000".
CAP = 1000

# The role whose words head the page when a person holds several: the widest duties first.
PRIMARY_ORDER = [Role.CHIEF, Role.CRO, Role.SUPERVISOR, Role.TRAINING_OFFICER, Role.OFFICER]

SUBTITLES = {
    Role.CHIEF: _(
        "Decisions waiting for you, concerns escalated to you, and how the department is doing."
    ),
    Role.CRO: _(
        "Your queue of forwarded and residents' concerns, referrals to chase, and the "
        "department's figures."
    ),
    Role.SUPERVISOR: _(
        "Concerns your officers escalated and routings to your unit waiting for your "
        "acknowledgement."
    ),
    Role.TRAINING_OFFICER: _("Training needs forwarded to you to schedule and deliver."),
    Role.OFFICER: _("The concerns you logged or were assigned, and what each needs from you."),
}


@dataclass
class Waiting:
    key: str  # one block per key, whichever roles ask for it
    kind: str  # "concerns", "decisions" or "training": how the rows are shown
    title: str
    rows: list
    count: int
    url: str  # the whole list
    empty: str  # what the block says, and suggests, when nothing waits
    capped: bool = False
    # The whole list holds exactly these records ("See all 12"); otherwise it holds more
    # and the link only opens it.
    exact: bool = True
    action_url: str = ""  # the next thing to do when nothing waits
    action: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def more(self) -> bool:
        return self.count > len(self.rows)


def subtitle(roles: list) -> str:
    for role in PRIMARY_ORDER:
        if role in roles:
            return SUBTITLES[role]
    return ""


def _list_url(name: str, **query) -> str:
    return f"{reverse(name)}?{urlencode(query)}" if query else reverse(name)


def _concerns(key, title, qs, url, empty, **kwargs) -> Waiting:
    ordered = qs.order_by("date_received", "id")
    count = ordered.values("pk")[: CAP + 1].count()
    rows = list(ordered.for_list()[:ROWS]) if count else []
    return Waiting(
        key=key,
        kind="concerns",
        title=title,
        rows=rows,
        count=min(count, CAP),
        capped=count > CAP,
        url=url,
        empty=empty,
        **kwargs,
    )


def _mine(user) -> Waiting:
    qs = Concern.objects.visible_to(user).open().filter(Q(reported_by=user) | Q(assignee=user))
    return _concerns(
        "mine",
        _("Your open concerns"),
        qs,
        _list_url("concerns:mine", open="on", sort="oldest"),
        _(
            "Nothing you logged or were assigned is open. When a resident raises something with "
            "you, log it here."
        ),
        action_url=reverse("concerns:new"),
        action=_("Log a concern"),
    )


def _escalated(user) -> Waiting:
    qs = Concern.objects.visible_to(user).filter(status=Concern.Status.ESCALATED)
    return _concerns(
        "escalated",
        _("Escalated by officers"),
        qs,
        _list_url("concerns:list", status="escalated", sort="oldest"),
        _(
            "No escalated concern waits. When an officer escalates one, it appears here for you "
            "to act on or forward to the Community Relations Officer."
        ),
    )


def _routings(user) -> Waiting:
    routed = Routing.objects.filter(unit__commander=user, acknowledged_at__isnull=True)
    # A routing left unacknowledged on a resolved concern no longer asks anything of anyone.
    qs = Concern.objects.visible_to(user).open().filter(pk__in=routed.values("concern_id"))
    return _concerns(
        "routings",
        _("Routed to your unit, not yet acknowledged"),
        qs,
        _list_url("concerns:list", needs_me="on", open="on", sort="oldest"),
        _(
            "No routing waits for your acknowledgement. Concerns the Community Relations "
            "Officer routes to a unit you command appear here."
        ),
        exact=False,
    )


def _queue(user) -> Waiting:
    qs = Concern.objects.visible_to(user).open().needs_action_by(user)
    return _concerns(
        "queue",
        _("Your queue: waiting longest"),
        qs,
        _list_url("concerns:list", needs_me="on", open="on", sort="oldest"),
        _(
            "Your queue is empty. Concerns forwarded by supervisors and sent in by residents "
            "appear here."
        ),
    )


def _awaiting(user) -> Waiting:
    qs = Concern.objects.visible_to(user).open().awaiting_response()
    return _concerns(
        "awaiting",
        _("Referred, waiting for an answer"),
        qs,
        _list_url("concerns:list", awaiting="on", open="on", sort="oldest"),
        _("No referral waits for an answer from another department."),
    )


def _decisions(user) -> Waiting:
    items = inbox_items.waiting_items()
    return Waiting(
        key="decisions",
        kind="decisions",
        title=_("Waiting for your decision"),
        rows=items[:ROWS],
        count=len(items),
        url=reverse("inbox"),
        empty=_(
            "Nothing waits for your decision. Reports, give-away materials, surveys, "
            "programs, evaluations and recommendations submitted to you appear here."
        ),
    )


def _training(user) -> Waiting:
    qs = TrainingNeed.objects.filter(
        status__in=[TrainingNeed.Status.FORWARDED, TrainingNeed.Status.SCHEDULED]
    )
    count = qs.values("pk")[: CAP + 1].count()
    rows = list(qs.order_by("status", "scheduled_for", "created_at")[:ROWS]) if count else []
    return Waiting(
        key="training",
        kind="training",
        title=_("Training needs to schedule and deliver"),
        rows=rows,
        count=min(count, CAP),
        capped=count > CAP,
        url=reverse("outreach:training"),
        empty=_(
            "No training need waits. Needs the Community Relations Officer forwards to "
            "you appear here to schedule."
        ),
    )


# Each role's blocks, in the order they are shown. (builder, permission, shown when empty)
ROLE_BLOCKS = {
    Role.CHIEF: [
        (_decisions, Permission.VIEW_INBOX, True),
        (_escalated, Permission.VIEW_ALL_CONCERNS, True),
    ],
    Role.CRO: [
        (_queue, Permission.VIEW_CONCERN, True),
        (_awaiting, Permission.VIEW_ALL_CONCERNS, False),
    ],
    Role.SUPERVISOR: [
        (_escalated, Permission.VIEW_ALL_CONCERNS, True),
        (_routings, Permission.VIEW_CONCERN, True),
    ],
    Role.TRAINING_OFFICER: [(_training, Permission.SCHEDULE_TRAINING, True)],
    Role.OFFICER: [(_mine, Permission.LOG_CONCERN, True)],
}
# What a person's own logging leaves open, for roles whose queue does not already hold it.
OWN = (_mine, Permission.LOG_CONCERN, False)


def waiting_for(user, roles: list) -> list[Waiting]:
    """The blocks for the roles the person holds, each once."""
    wanted = []
    for role in PRIMARY_ORDER:
        if role in roles:
            wanted.extend(ROLE_BLOCKS[role])
    if roles and Role.CRO not in roles:
        wanted.append(OWN)
    blocks: dict = {}
    for builder, permission, always in wanted:
        if builder in blocks or not has_permission(user, permission):
            if builder in blocks and always:
                blocks[builder] = (blocks[builder][0], True)
            continue
        blocks[builder] = (builder(user), always)
    shown = [block for block, always in blocks.values() if always or block.count]
    # The concern blocks' row facts in one query for all their rows, not one a block.
    load_facts([row for b in shown if b.kind == "concerns" for row in b.rows], user)
    return shown
