"""The steps of a concern's workflow, in one table (001 IV.B, DESIGN §2).

Each row says who may take the step, from which statuses, to which status it moves the
concern, and the form, button and message of the concern's page. The services check the
row (a 403 for the wrong person, a clear ValidationError for the wrong status) and move
to its target; the page offers the steps `available()` gives, by the same rows, so a
button never offers what the service would refuse. Adding a step is one row here, one
form in forms.py and one service function marked `@performs("<name>")`.

```
received ──resolve within authority (officer)──────────────────────────────▶ resolved
    │                                                                          ▲  │
    └─escalate (officer)─▶ escalated ─forward (supervisor)─▶ forwarded         │  │ reopen
                              │                                │               │  ▼
                              └─resolve (supervisor)──────▶    ├─recommend ─▶ action recomm.
                                                               ├─route to unit ─▶ in progress
                                                               ├─refer ─▶ referred ─answer─▶ …
                                                               └─progress, assign, note, resolve
```
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns.forms import (
    AssignForm,
    DetailsForm,
    NoteForm,
    OptionalNoteForm,
    ReferForm,
    ResolutionForm,
    RouteForm,
)
from concerns.models import Concern
from core.permissions import Permission, has_permission

S = Concern.Status

NOT_RECEIVED = _(
    "Only a concern that has just been received can be escalated or resolved this way."
)
NOT_ESCALATED = _("Only a concern escalated to a supervisor can be forwarded to the CRO.")
NOT_WORKABLE = _(
    "This concern is not with the Community Relations Officer: it must be forwarded first, "
    "or it is already resolved."
)
NOT_OPEN = _("This concern is already resolved. Reopen it first.")
NOT_CORRECTABLE = _(
    "This concern is waiting for a supervisor's review: its details can be corrected once it "
    "is forwarded."
)
NOT_RESOLVED = _("Only a resolved concern can be reopened.")

# Where the CRO (and the Chief) can act: everything open except a concern still waiting
# for its supervisor's review.
WORKABLE = frozenset(
    {S.RECEIVED, S.FORWARDED, S.ACTION_RECOMMENDED, S.REFERRED, S.IN_PROGRESS, S.REOPENED}
)
OPEN = frozenset(Concern.OPEN_STATUSES)
ALL = frozenset(S)


# Everything but a concern still waiting for its supervisor, who reads it as it came in.
CORRECTABLE = WORKABLE | {S.RESOLVED}


def _may(perm: Permission) -> Callable:
    return lambda user, concern: has_permission(user, perm, concern=concern)


def _works_or_holds(user, concern) -> bool:
    return has_permission(user, Permission.WORK_CONCERN, concern=concern) or (
        concern.assignee_id == user.pk
        and has_permission(user, Permission.VIEW_CONCERN, concern=concern)
    )


def _may_resolve(user, concern) -> bool:
    # Supervisors may settle what an officer escalated to them (001 IV.B.2).
    if concern.status == S.ESCALATED:
        return has_permission(user, Permission.FORWARD_CONCERN, concern=concern)
    return _works_or_holds(user, concern)


def _may_reopen(user, concern) -> bool:
    # A report merged into a lead is reopened by undoing the merge (concerns/duplicates.py).
    return concern.duplicate_of_id is None and has_permission(
        user, Permission.REOPEN_CONCERN, concern=concern
    )


# While another department's answer is awaited, working on the concern does not move it
# out of "referred": the answer does (services.record_referral_response).
AWAITING = frozenset({S.REFERRED})


@dataclass
class Step:
    label: str  # the step's title on the page
    statuses: frozenset  # the statuses it may be taken from
    allowed: Callable  # (user, concern) -> bool
    wrong_status: str  # what a step from another status is told
    target: str | None  # the status it moves to; None: the status stays
    form: type  # its form on the concern's page
    submit: str  # the form's button
    done: str  # what the person is told afterwards
    arguments: Callable  # the form's cleaned data -> the service's keyword arguments
    keeps: frozenset = frozenset()  # statuses the step does not move the concern out of
    service: Callable | None = field(default=None, repr=False)  # set by @performs


def _typed(name: str) -> Callable:
    return lambda data: {name: data["text"]}


def _noted(data) -> dict:
    return {"note": data["note"]}


STEPS: dict[str, Step] = {
    "escalate": Step(
        _("Escalate to a supervisor"),
        frozenset({S.RECEIVED}),
        _may(Permission.ESCALATE_CONCERN),
        NOT_RECEIVED,
        S.ESCALATED,
        OptionalNoteForm,
        _("Escalate"),
        _("Escalated to a supervisor."),
        _noted,
    ),
    "resolve-as-officer": Step(
        _("Resolve within my authority"),
        frozenset({S.RECEIVED}),
        _may(Permission.RESOLVE_AS_OFFICER),
        NOT_RECEIVED,
        S.RESOLVED,
        ResolutionForm,
        _("Resolve"),
        _("Resolved."),
        _typed("resolution"),
    ),
    "forward": Step(
        _("Forward to the CRO"),
        frozenset({S.ESCALATED}),
        _may(Permission.FORWARD_CONCERN),
        NOT_ESCALATED,
        S.FORWARDED,
        OptionalNoteForm,
        _("Forward to CRO"),
        _("Forwarded to the CRO."),
        _noted,
    ),
    "recommend": Step(
        _("Recommend an action"),
        WORKABLE,
        _may(Permission.WORK_CONCERN),
        NOT_WORKABLE,
        S.ACTION_RECOMMENDED,
        NoteForm,
        _("Recommend"),
        _("Recommendation recorded."),
        _typed("text"),
        keeps=AWAITING,
    ),
    "route": Step(
        _("Route to a unit"),
        WORKABLE,
        _may(Permission.WORK_CONCERN),
        NOT_WORKABLE,
        S.IN_PROGRESS,
        RouteForm,
        _("Route"),
        _("Routed to the unit; its commander is asked to acknowledge."),
        lambda data: {"unit": data["unit"], "note": data["note"]},
        keeps=AWAITING,
    ),
    "refer": Step(
        _("Refer to a department"),
        WORKABLE,
        _may(Permission.WORK_CONCERN),
        NOT_WORKABLE,
        S.REFERRED,
        ReferForm,
        _("Refer"),
        _("Referred. The response is now awaited."),
        lambda data: {
            "department": data["department"],
            "referred_on": data["referred_on"],
            "note": data["note"],
        },
    ),
    "progress": Step(
        _("Record progress"),
        WORKABLE,
        _works_or_holds,
        NOT_WORKABLE,
        S.IN_PROGRESS,
        NoteForm,
        _("Record progress"),
        _("Progress recorded."),
        _typed("text"),
        keeps=AWAITING,
    ),
    "assign": Step(
        _("Assign"),
        OPEN,
        _may(Permission.WORK_CONCERN),
        NOT_OPEN,
        None,
        AssignForm,
        _("Assign"),
        _("Assigned."),
        lambda data: {"assignee": data["assignee"], "revision": data["revision"]},
    ),
    "resolve": Step(
        _("Resolve"),
        OPEN,
        _may_resolve,
        NOT_OPEN,
        S.RESOLVED,
        ResolutionForm,
        _("Resolve"),
        _("Resolved."),
        lambda data: {"resolution": data["text"], "revision": data["revision"]},
    ),
    "reopen": Step(
        _("Reopen"),
        frozenset({S.RESOLVED}),
        _may_reopen,
        NOT_RESOLVED,
        S.REOPENED,
        NoteForm,
        _("Reopen"),
        _("Reopened."),
        lambda data: {"reason": data["text"], "revision": data["revision"]},
    ),
    "edit": Step(
        _("Correct the details"),
        CORRECTABLE,
        _may(Permission.WORK_CONCERN),
        NOT_CORRECTABLE,
        None,
        DetailsForm,
        _("Save changes"),
        _("The details were saved."),
        lambda data: {
            "data": {name: data[name] for name in Concern.EDITABLE_FIELDS},
            "revision": data["revision"],
            "seen": data["seen"],
        },
    ),
    "note": Step(
        _("Add a note"),
        ALL,
        _may(Permission.NOTE_CONCERN),
        "",
        None,
        NoteForm,
        _("Add note"),
        _("Note added."),
        _typed("text"),
    ),
}


def performs(name: str) -> Callable:
    """Marks the service function that takes the step `name` (concerns/services.py)."""

    def mark(function):
        STEPS[name].service = function
        return function

    return mark


def available(user, concern: Concern) -> list[str]:
    """The steps this user may take on this concern now, in the order of the table."""
    return [
        name
        for name, step in STEPS.items()
        if concern.status in step.statuses and step.allowed(user, concern)
    ]


def check(name: str, by, concern: Concern) -> None:
    step = STEPS[name]
    if not step.allowed(by, concern):
        raise PermissionDenied(
            gettext("You may not %(action)s on this concern.") % {"action": step.label.lower()}
        )
    if concern.status not in step.statuses:
        raise ValidationError(step.wrong_status)


def target(name: str, concern: Concern) -> str | None:
    """Where the step moves this concern: None when its status stays."""
    step = STEPS[name]
    return None if concern.status in step.keeps else step.target


def take(name: str, *, concern: Concern, by, data: dict):
    """A step sent from the concern's page: its service, with the form's data."""
    step = STEPS[name]
    return step.service(concern=concern, by=by, **step.arguments(data))
