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
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections

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


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading_from_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
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
