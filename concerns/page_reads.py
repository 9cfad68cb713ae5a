"""What a concern's page reads, each with a query compiled once (core/prepared.py): the
concern by its reference, with the people, organization, activity and area it names; its
routings and referrals; its timeline and its files. Every view of a concern reads the first,
and its page the rest: the same queries, the same shape, only the concern changes. Each
related row comes back pointing to the concern already read, as Django's related managers
leave it."""

from concerns.models import Attachment, Concern, ConcernUpdate, Referral, Routing
from core.prepared import Prepared

BY_REFERENCE = Prepared(
    lambda reference: (
        Concern.objects.select_related(
            "reported_by", "assignee", "organization", "activity", "defined_area"
        )
        # The page's map draws the area from the process's simplified shapes (accounts/maps.py);
        # a traced boundary is thousands of points to read for nothing.
        .defer("defined_area__boundary")
        .filter(reference=reference)
        .order_by()
    ),
    str,
)
ROUTINGS = Prepared(
    lambda pk: Routing._default_manager.filter(concern_id=pk).select_related(
        "unit", "routed_by", "acknowledged_by"
    ),
    int,
)
REFERRALS = Prepared(
    lambda pk: Referral._default_manager.filter(concern_id=pk).select_related("department"),
    int,
)
UPDATES = Prepared(
    lambda pk: ConcernUpdate._default_manager.filter(concern_id=pk).select_related("author"),
    int,
)
FILES = Prepared(
    lambda pk: Attachment._default_manager.filter(concern_id=pk).select_related("added_by"),
    int,
)


def concern_by_reference(reference: str) -> Concern | None:
    return BY_REFERENCE.instance(reference)


def _of(prepared: Prepared, concern: Concern) -> list:
    rows = prepared.instances(concern.pk)
    for row in rows:
        row.concern = concern
    return rows


def routings_of(concern: Concern) -> list[Routing]:
    return _of(ROUTINGS, concern)


def referrals_of(concern: Concern) -> list[Referral]:
    return _of(REFERRALS, concern)


def updates_of(concern: Concern) -> list[ConcernUpdate]:
    return _of(UPDATES, concern)


def files_of(concern: Concern) -> list[Attachment]:
    return _of(FILES, concern)
