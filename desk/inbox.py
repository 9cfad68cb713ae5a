"""Everything waiting for the Chief (or a designee) in one list, oldest first, and the one
place a decision from the list is sent on: to the kind that registered it
(core.decisions.INBOX, filled in each app's ready()), whose own service decides."""

from django.http import Http404
from django.utils import timezone

from core.decisions import INBOX, Decision, Item


def waiting_items() -> list[Item]:
    """One query per kind of record, whatever is waiting."""
    items = [item for kind in INBOX.values() for item in kind.waiting()]
    items.sort(key=lambda i: (i.since or timezone.now(), i.kind, i.pk))
    return items


def decide(
    kind: str, pk: int, decision: str, *, by, comment: str = "", revision: int | None = None
):
    """Raises Http404 for an unknown kind, decision or record; ValidationError and
    PermissionDenied as the kind's service does."""
    if kind not in INBOX or decision not in Decision.values:
        raise Http404
    return INBOX[kind].decide(
        pk, by=by, decision=Decision(decision), comment=comment, revision=revision
    )
