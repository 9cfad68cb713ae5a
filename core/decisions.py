"""The Chief decides: one mechanism for everything submitted to the Chief (or a designee).

Reports, give-away materials, surveys' questions, program evaluations, the annual plan and
recommendations are each submitted and then decided with one of the same three verbs
(`Decision`): approve, return (with a comment saying what should change) or decline. Each
kind says what a verb does to it (`Decider`: the status it moves to, what the submitter is
told, whether a comment is needed); `decide()` applies it the same way for all. Their
records share the fields and the database constraint of `core.models.SubmittedToTheChief`. Program
proposals use the same verbs, on the program's own approval fields.

The Chief's inbox lists what waits from every kind that registers an `InboxKind` in its
AppConfig.ready() (`INBOX`). This module defines no model, so an app's apps.py may
import it, and sends each decision to that kind's own service, so the
rules are the ones the record's page applies.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import Permission, require

NOT_OFFERED = _("That decision is not one this record can be given.")


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return")
    DECLINE = "decline", _("Decline")


DECIDED_FIELDS = ["status", "decided_by", "decided_at", "chief_comment"]


@dataclass(frozen=True)
class Outcome:
    status: str  # where the record goes
    said: str  # what the submitter is told it was: "approved", "returned"
    needs_comment: bool = False
    label: str = ""  # the button, where it differs from the verb's own ("Accept")
    comment_required: str = ""  # what a missing comment is told, where it differs


@dataclass(frozen=True)
class Decider:
    """What deciding means for one kind of record."""

    permission: Permission
    submitted: str  # the status that waits for the Chief
    not_submitted: str  # what a decision on anything else is told
    outcomes: dict  # Decision -> Outcome
    not_offered: str = ""  # what a verb the kind does not take is told
    comment_required: str = ""  # what a decision without its needed comment is told


def decide(
    record, decider: Decider, *, by, decision, comment: str = "", save: bool = True
) -> Outcome:
    """Apply the Chief's decision to a record read under a lock, and save it (or leave the
    save to the caller, with DECIDED_FIELDS and its own). The caller tells the submitter
    (notifications.notify.approval_decided) and does what follows."""
    require(by, decider.permission)
    outcome = decider.outcomes.get(decision)
    if outcome is None:
        raise ValidationError({"decision": decider.not_offered or NOT_OFFERED})
    if record.status != decider.submitted:
        raise ValidationError(decider.not_submitted)
    comment = (comment or "").strip()
    if outcome.needs_comment and not comment:
        raise ValidationError({"comment": outcome.comment_required or decider.comment_required})
    record.status = outcome.status
    record.decided_by = by
    record.decided_at = timezone.now()
    record.chief_comment = comment
    if save:
        record.save(update_fields=DECIDED_FIELDS)
    return outcome


# --- The inbox -------------------------------------------------------------------------

LIMIT = 200  # per kind: a backlog larger than this is a conversation, not a list


@dataclass
class Item:
    kind: str
    kind_label: str
    pk: int
    title: str
    url: str
    by: str
    since: dt.datetime | None  # None for a record submitted before the time was kept
    decisions: list = field(default_factory=list)  # [(decision, label, needs_comment)]
    # A report's revision as listed: a decision on a report changed since is refused.
    revision: int | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.pk}"

    def waited_days(self, now) -> int:
        return max((now - self.since).days, 0) if self.since is not None else 0


@dataclass(frozen=True)
class InboxKind:
    name: str  # in the inbox's URLs
    waiting: Callable[[], list[Item]]  # what waits, at most LIMIT
    # (pk, *, by, decision, comment, revision) -> the decided record; Http404 when unknown
    decide: Callable


INBOX: dict[str, InboxKind] = {}


def register(kind: InboxKind) -> None:
    INBOX[kind.name] = kind


def buttons(decider: Decider) -> list[tuple[str, str, bool]]:
    """The inbox's buttons for a kind: (verb, label, needs a comment)."""
    return [
        (verb.value, outcome.label or verb.label, outcome.needs_comment)
        for verb, outcome in decider.outcomes.items()
    ]
