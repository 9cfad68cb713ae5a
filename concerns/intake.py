"""A concern comes in: the one place a concern is created, whatever the door.

An officer's intake (`log_concern`), a resident's web form (`submit_public_concern`), the
city's 311 system (`concerns.open311.submit_open311_request`) and a spreadsheet import
(`concerns.imports`, through `receive_many`) all end here: the reference comes from the one
allocator (concerns/references.py), a conduct or bias concern goes to supervisors at once
(001 IV.C), and the timeline starts with a "received" line.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import addresses, ratelimit
from accounts.areas import Resolver
from concerns import duplicates
from concerns.conduct import flag_conduct, record_conduct_flag
from concerns.models import Concern, ConcernUpdate
from concerns.placing import locate, look_up, place
from concerns.references import allocate, highest_numbers, keep_ahead, next_reference
from concerns.services import FUTURE_DATE, escalate_concern, record_line
from concerns.status import private_code
from concerns.summaries import first_sentence
from core.permissions import Permission, require
from notifications.notify import email_resident

S = Concern.Status
K = ConcernUpdate.Kind

RATE_LIMITED = _(
    "We have received several messages from your connection in the last hour. Please wait "
    "a while before sending another, or call the department."
)


def summarise(concern: Concern) -> None:
    """A door that asked for no summary (311, an import without the column) gets the
    description's first sentence."""
    if not concern.summary.strip():
        concern.summary = first_sentence(concern.description)
    else:
        concern.summary = " ".join(concern.summary.split())


def receive(concern: Concern, *, line: str, by=None, acknowledge: bool = False) -> Concern:
    """Every door's last step, inside its transaction: the reference (unless the door took
    it already), the conduct rule, the row, the "received" line, the notices."""
    if not concern.reference:
        concern.reference = next_reference(concern.date_received.year)
    # The id public answers give instead of the reference: random, never in order (issue 21).
    concern.public_id = uuid.uuid4()
    summarise(concern)
    locate(concern)
    place(concern)
    flag_conduct(concern)
    concern.save()
    record_line(concern, K.RECEIVED, by, line)
    record_conduct_flag(concern, by)
    if acknowledge:
        email_resident(concern, "ack", status_code=private_code(concern))
    duplicates.note_likely_lead(concern, by=by)
    return concern


def receive_many(concerns: list[Concern], *, lines: list[list[tuple[str, object, str]]]) -> None:
    """A batch from an import, by the same rules in set form: references given in the file
    are kept (and the counter moved past them), the others allocated a year at a time;
    each concern's timeline lines, (kind, author, text), are written after it. An imported
    record keeps the status its file gives: it is history, not a new intake."""
    keep_ahead(highest_numbers(c.reference for c in concerns if c.reference))
    need: dict[int, int] = {}
    resolver = Resolver.load()
    listed = addresses.on_list(c.area for c in concerns if not c.has_point)
    for concern in concerns:
        summarise(concern)
        locate(concern, listed.get(addresses.address_key(concern.area)), look=False)
        place(concern, resolver)
        if not concern.reference:
            need[concern.date_received.year] = need.get(concern.date_received.year, 0) + 1
    fresh = {year: iter(allocate(year, n)) for year, n in need.items()}
    for concern in concerns:
        concern.reference = concern.reference or next(fresh[concern.date_received.year])
        concern.public_id = uuid.uuid4()
    Concern.objects.bulk_create(concerns, batch_size=1000)
    ConcernUpdate.objects.bulk_create(
        [
            ConcernUpdate(concern=concern, kind=kind, author=author, text=text)
            for concern, own in zip(concerns, lines, strict=True)
            for kind, author, text in own
        ],
        batch_size=2000,
    )


INTAKE_FIELDS = (
    "date_received",
    "organization",
    "activity",
    "source_type",
    "source_name",
    "source_contact",
    "category",
    "nature",
    "area",
    "defined_area",
    "latitude",
    "longitude",
    "location_source",
    "summary",
    "description",
    "suggestions",
    "priority",
)


def log_concern(
    *, by, data: dict, intake_token=None, escalate: bool = False
) -> tuple[Concern, bool]:
    """An employee records what a citizen said (000 IV.A). Returns (concern, created).

    The reporting employee's name and DSN are stored as they are at intake. A second
    submit of the same form (same token) returns the first concern and creates nothing.
    With `escalate`, the concern is handed to a supervisor by the workflow's own step
    (services.escalate_concern) in the same transaction: both happen, or neither.
    """
    require(by, Permission.LOG_CONCERN)
    if intake_token and (existing := Concern.objects.filter(intake_token=intake_token).first()):
        return existing, False
    if data["date_received"] > timezone.localdate():
        raise ValidationError({"date_received": FUTURE_DATE})
    # The number is taken in a statement of its own, before the transaction that saves
    # the concern: the counter's row is locked for that one statement, not for the whole
    # save, so officers logging at the same moment do not queue behind each other (20
    # officers at once: p95 0.3 s with the number inside the transaction). A save that
    # fails after taking its number leaves that number unused.
    found = look_up(data.get("area", ""), data)
    reference = next_reference(data["date_received"].year)
    try:
        with transaction.atomic():
            concern = Concern(
                **{field: data[field] for field in INTAKE_FIELDS if field in data},
                reported_by=by,
                reporter_name=by.display_name,
                reporter_dsn=by.dsn or "",
                intake_token=intake_token,
            )
            concern.reference = reference
            locate(concern, found)
            receive(
                concern,
                by=by,
                line=gettext("Logged by %(name)s (DSN %(dsn)s).")
                % {"name": by.display_name, "dsn": by.dsn},
            )
            # A conduct or bias concern is with the supervisors already (flag_conduct).
            if escalate and concern.status == S.RECEIVED:
                concern = escalate_concern(concern=concern, by=by)
    except IntegrityError:
        # The same token committed by a parallel request between our check and insert.
        if intake_token and (existing := Concern.objects.filter(intake_token=intake_token).first()):
            return existing, False
        raise
    return concern, True


def submit_public_concern(
    *, data: dict, client: str, intake_token=None, limit: int = 5
) -> tuple[Concern, bool]:
    """A resident's web form. Rate-limited per client; source type "web form"."""
    if intake_token and (existing := Concern.objects.filter(intake_token=intake_token).first()):
        return existing, False
    if not ratelimit.take("public-form", client, limit=limit):
        raise ValidationError(RATE_LIMITED, code="rate_limited")
    # Looked up after the limit (a flood never reaches the geocoder) and before the
    # transaction (a slow geocoder holds no lock).
    found = look_up(data["area"], data)
    with transaction.atomic():
        return _save_public(data, intake_token, found)


def _save_public(data: dict, intake_token, found) -> tuple[Concern, bool]:
    contact = " / ".join(v for v in (data.get("email", ""), data.get("phone", "")) if v)
    concern = Concern(
        date_received=timezone.localdate(),
        source_type=Concern.SourceType.WEB_FORM,
        source_name=data.get("name", ""),
        source_contact=contact,
        contact_email=data.get("email", ""),
        consent_to_contact=bool(data.get("consent_to_contact")) and bool(contact),
        language=data.get("language", "en"),
        category=data["category"],
        nature=Concern.Nature.ACTUAL,
        area=data["area"],
        summary=data.get("summary", ""),
        description=data["description"],
        suggestions=data.get("suggestions", ""),
        intake_token=intake_token,
    )
    locate(concern, found)
    receive(concern, line=gettext("Submitted through the public feedback form."), acknowledge=True)
    return concern, True
