"""Reads that may go to a read replica, and nothing else.

With DATABASE_REPLICA_URL set, settings add the "replica" database and this router. Reads
go to the replica only inside `use_replica()`, which a page that only reads and can bear a
replica's lag of a second or two (the Chief's dashboard, report pages, their PDFs) wraps
around its queries:

    from config.routers import use_replica

    with use_replica():
        figures = dashboard_figures(period)

    @use_replica()
    def dashboard_pdf(request): ...

Everything else reads from the default database, and every write goes there: a page never
reads back from the replica a row it has just saved. Inside a transaction on the default
database reads stay there too, so a query in the middle of a service function sees its own
writes and its locks mean what they say. Without a replica the router is not installed and
`use_replica()` changes nothing.

The flag is a context variable: it belongs to the thread (or asyncio task) that set it, so
one request's choice never leaks into another served at the same time.

A replica that is down, or further behind than `CRD_REPLICA_MAX_LAG_SECONDS`, is not read:
`replica_ready()` asks it (and the primary, to compare their WAL positions) at most every
`CRD_REPLICA_CHECK_SECONDS` per process, and until the next check every read goes to the
primary. A person who has just changed something reads from the primary for a few seconds
(core/replica.py), so a list never misses what they saved.
"""

import contextvars
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"

_reading_from_replica = contextvars.ContextVar("crd_reading_from_replica", default=False)


@contextmanager
def use_replica() -> Iterator[None]:
    """Send the reads made inside to the replica (a context manager and a decorator)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reading_from_replica() -> bool:
    """Whether the code running now asked for the replica (`use_replica()`)."""
    return _reading_from_replica.get()


class _Readiness:
    """The last answer of `replica_ready()` in this process, and when it was found."""

    lock = threading.Lock()
    checked_at = float("-inf")
    ready = False


def forget_readiness() -> None:
    """The next read asks the replica again (a test that stops or pauses one)."""
    _Readiness.checked_at = float("-inf")


def _measure() -> bool:
    """Up, and either caught up with the primary or behind by less than the limit."""
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " extract(epoch FROM now() - pg_last_xact_replay_timestamp())"
            )
            recovering, replayed, age = cursor.fetchone()
        if not recovering:
            return True  # not a standby (a test's mirror of the database): nothing to lag
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)", [replayed])
            behind = cursor.fetchone()[0]
    except DatabaseError:
        connections[REPLICA].close()
        return False
    # WAL not yet replayed: behind by the time since the last transaction it replayed (an
    # overestimate after a quiet spell, which only sends reads to the primary a while).
    return behind <= 0 or (age is not None and age <= settings.CRD_REPLICA_MAX_LAG_SECONDS)


def replica_ready() -> bool:
    """Whether reads may go to the replica now (configured, up and not lagging)."""
    if REPLICA not in connections.settings:
        return False
    now = time.monotonic()
    if now - _Readiness.checked_at < settings.CRD_REPLICA_CHECK_SECONDS:
        return _Readiness.ready
    with _Readiness.lock:
        if now - _Readiness.checked_at >= settings.CRD_REPLICA_CHECK_SECONDS:
            _Readiness.ready = _measure()
            _Readiness.checked_at = time.monotonic()
    return _Readiness.ready


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            reading_from_replica()
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and replica_ready()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the default database: their rows may refer to each other.
        databases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in databases and obj2._state.db in databases:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the default database by replication; never migrate it.
        return db == DEFAULT_DB_ALIAS
