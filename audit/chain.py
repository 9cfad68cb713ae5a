"""Seals that make the audit trail tamper-evident (issue 21; docs/SECURITY.md).

The database refuses UPDATE, DELETE and TRUNCATE on the trail to the role the application
runs as, but its owner, a superuser or someone holding the backups can lift any guard.
What they cannot do is forge a keyed hash without the key, which lives outside the
database (CRD_AUDIT_KEY in the environment file). So every event is sealed once it has
committed: its seal holds

    digest = HMAC-SHA256(key, previous seal's digest + the event's canonical text)

in the order the events are sealed. `verify()` recomputes every digest, and says where:

- an event *altered* after it was sealed (its digest no longer matches);
- an event *removed* (a seal names an event that is gone; archived ones excepted);
- a seal removed, inserted or forged (the next digest no longer follows);
- an event *inserted out of order* (dated well before the events sealed before it) or
  never sealed though older than any transaction (an id filled in by hand);
- a recording trigger dropped or disabled, on the trail or on any table it covers.

Sealing runs every few minutes (from /healthz, desk.views) and before each check
(`manage.py verify_audit`, daily). A row is sealed only once it is visible, so a long
transaction's events are sealed when it commits, after later ones: the chain's order is
the order of sealing, and each seal names its event.
"""

import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from audit.models import AuditCheck, AuditEvent, AuditSeal
from audit.triggers import missing_triggers

# Held for the sealing transaction, so two sealers never fork the chain.
SEAL_LOCK = 7_211_021
GENESIS = "0" * 64
BATCH = 5000
# An event dated this much before the event sealed just before it was not written by the
# trail's own clock: someone put it there.
OUT_OF_ORDER = dt.timedelta(hours=1)
# Events older than this are past any transaction: one still unsealed was slipped in.
SETTLED = dt.timedelta(days=1)
MAX_REPORTED = 200


# --- Keys ------------------------------------------------------------------------------


def _derive(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"community-relations-desk audit chain", "sha256").digest()


def keys() -> dict[str, bytes]:
    """{key id: key}: the current key first, then retired ones still able to verify."""
    secrets = [settings.CRD_AUDIT_KEY or settings.SECRET_KEY, *settings.CRD_AUDIT_OLD_KEYS]
    found = {}
    for secret in secrets:
        key = _derive(secret)
        found.setdefault(hmac.new(key, b"id", "sha256").hexdigest()[:8], key)
    return found


def current_key() -> tuple[str, bytes]:
    return next(iter(keys().items()))


# --- The canonical text of an event -------------------------------------------------------

# Every column of an event, read the same way by sealing and by checking.
EVENT_COLUMNS = (
    "e.id, e.at, e.action, e.actor_id, e.actor_name, host(e.client_address), e.path, "
    "e.record_type, e.record_id, e.changes::text, e.detail"
)


def canonical(row: tuple) -> bytes:
    """Every column, in a fixed order and form, so the same row always hashes the same."""
    values = list(row)
    values[1] = values[1].astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    values[9] = json.loads(values[9]) if values[9] is not None else None
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(key: bytes, previous: str, row: tuple) -> str:
    return hmac.new(key, previous.encode() + canonical(row), hashlib.sha256).hexdigest()


# --- Sealing ------------------------------------------------------------------------------


def _floor() -> int:
    """Events at or below this id were all visible to a sealing run more than a day ago
    (by the database's clock), so every one of them that exists has been sealed: later
    runs need not look there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_id FROM audit_auditseal WHERE sealed_at < now() - %s "
            "ORDER BY id DESC LIMIT 1",
            [SETTLED],
        )
        row = cursor.fetchone()
    return row[0] if row else 0


PENDING_SQL = (
    f"SELECT {EVENT_COLUMNS} FROM audit_auditevent e WHERE e.id > %s "  # noqa: S608  # nosec B608
    "AND NOT EXISTS (SELECT 1 FROM audit_auditseal s WHERE s.event_id = e.id) "
    "ORDER BY e.id LIMIT %s"
)


def seal_pending(limit: int | None = None) -> int:
    """Seal every committed event not sealed yet; returns how many. Safe to run anywhere
    at once: the second runner waits for the first."""
    key_id, key = current_key()
    sealed = 0
    after = _floor()
    while limit is None or sealed < limit:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK])
            cursor.execute("SELECT digest FROM audit_auditseal ORDER BY id DESC LIMIT 1")
            last = cursor.fetchone()
            previous = last[0] if last else GENESIS
            cursor.execute(PENDING_SQL, [after, BATCH])
            pending = cursor.fetchall()
            if not pending:
                break
            ids, digests = [], []
            for row in pending:
                previous = digest(key, previous, row)
                ids.append(row[0])
                digests.append(previous)
            # One statement for the batch (the ORM's bulk_create costs five times more).
            cursor.execute(
                "INSERT INTO audit_auditseal (event_id, digest, key_id, sealed_at) "
                "SELECT event_id, digest, %s, now() "
                "FROM unnest(%s::bigint[], %s::text[]) WITH ORDINALITY AS b (event_id, digest, n) "
                "ORDER BY n",
                [key_id, ids, digests],
            )
            sealed += len(ids)
            # Everything up to here in this run is sealed: the next batch starts past it.
            after = pending[-1][0]
        if len(pending) < BATCH:
            break
    return sealed


# --- Verifying ----------------------------------------------------------------------------


@dataclass
class Report:
    events: int = 0
    seals: int = 0
    sealed_now: int = 0
    head: str = ""
    problems: list[str] = field(default_factory=list)
    more: int = 0

    @property
    def intact(self) -> bool:
        return not self.problems

    def add(self, text: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(text)
        else:
            self.more += 1


def archived_ranges() -> list[tuple[int, dt.datetime]]:
    """(last id, cutoff) of every archiving run: events it removed were not lost."""
    ranges = []
    for changes in AuditEvent.objects.filter(action=AuditEvent.Action.ARCHIVED).values_list(
        "changes", flat=True
    ):
        if isinstance(changes, dict) and "through_id" in changes and "before" in changes:
            ranges.append(
                (int(changes["through_id"]), dt.datetime.fromisoformat(changes["before"]))
            )
    return ranges


CHAIN_SQL = (
    f"SELECT s.id, s.event_id, s.digest, s.key_id, {EVENT_COLUMNS} "  # noqa: S608  # nosec B608
    "FROM audit_auditseal s LEFT JOIN audit_auditevent e ON e.id = s.event_id "
    "WHERE s.id > %s ORDER BY s.id LIMIT %s"
)


def _sealed_with_events() -> Iterator[tuple[tuple, tuple | None]]:
    """Every seal (id, event id, digest, key id) in chain order with its event's columns
    (None when the event is gone), a batch at a time."""
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(CHAIN_SQL, [last, BATCH])
            rows = cursor.fetchall()
        if not rows:
            return
        for row in rows:
            yield row[:4], (row[4:] if row[4] is not None else None)
        last = rows[-1][0]


def verify(*, seal_first: bool = True, expected_head: str = "") -> Report:
    """Check the whole chain, the unsealed rows and the triggers; never raises on what it
    finds, only reports it. `expected_head` ("position:digest", from the last check or
    the log) catches seals cut from the end of the chain along with their events."""
    report = Report()
    expected_position, _, expected_digest = expected_head.partition(":")
    if seal_first:
        report.sealed_now = seal_pending()
    known = keys()
    archived = archived_ranges()
    previous = GENESIS
    latest_at = None
    for position, (seal, event) in enumerate(_sealed_with_events(), start=1):
        seal_id, event_id, seal_digest, key_id = seal
        report.seals += 1
        where = f"seal {seal_id} (event {event_id})"
        key = known.get(key_id)
        if event is None:
            if not any(event_id <= through for through, _ in archived):
                report.add(f"{where}: the event was removed from the trail.")
        elif key is None:
            report.add(f"{where}: sealed with a key this server does not hold ({key_id}).")
        else:
            report.events += 1
            if not hmac.compare_digest(digest(key, previous, event), seal_digest):
                report.add(
                    f"{where}: the event was altered after sealing, or the seal before it "
                    "was removed or forged."
                )
            at = event[1]
            if latest_at is not None and at < latest_at - OUT_OF_ORDER:
                report.add(
                    f"{where}: dated {at:%Y-%m-%d %H:%M} UTC, before events sealed "
                    "earlier: inserted out of order."
                )
            latest_at = at if latest_at is None else max(latest_at, at)
        previous = seal_digest
        report.head = f"{position}:{seal_digest}"
        if str(position) == expected_position and seal_digest != expected_digest:
            report.add(f"{where}: differs from the seal at this place at the last check.")
    if expected_position.isdigit() and report.seals < int(expected_position):
        report.add(
            f"the chain has {report.seals} seals, fewer than the {expected_position} "
            "of the last check: seals were cut from its end."
        )
    _unsealed(report)
    _triggers(report)
    return report


def _unsealed(report: Report) -> None:
    """Events no seal names, though a sealing run more than a day ago could see past them:
    an id filled in by hand below the sealed ones."""
    stray = (
        AuditEvent.objects.filter(id__lte=_floor())
        .exclude(id__in=AuditSeal.objects.values("event_id"))
        .order_by("id")
    )
    for event_id, at in stray.values_list("id", "at")[:MAX_REPORTED]:
        report.add(f"event {event_id}: never sealed, though dated {at:%Y-%m-%d %H:%M} UTC.")


def _triggers(report: Report) -> None:
    for problem in missing_triggers():
        report.add(problem)


def record_check(report: Report, seconds: float) -> AuditCheck:
    return AuditCheck.objects.create(
        intact=report.intact,
        events=report.events,
        sealed=report.sealed_now,
        head=report.head[:80],
        problems=report.problems + ([f"... and {report.more} more"] if report.more else []),
        seconds=round(seconds, 3),
    )


def run_check() -> AuditCheck:
    started = time.monotonic()
    previous = last_check()
    report = verify(expected_head=previous.head if previous else "")
    return record_check(report, time.monotonic() - started)


def last_check() -> AuditCheck | None:
    return AuditCheck.objects.order_by("-id").first()
