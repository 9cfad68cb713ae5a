"""The trail's sealing and its daily check, in the background (audit/chain.py).

/healthz, which load balancers and monitoring ask every few seconds, starts them: sealing
at most every ten minutes per web process, the check once the last one is a day old.
Running either twice at once is harmless: the second waits for the first's lock.
"""

import datetime as dt
import logging

from django.core.cache import cache
from django.db import connection
from django_tasks import task

from audit import chain

logger = logging.getLogger("audit.chain")

SEAL_EVERY = dt.timedelta(minutes=10)
CHECK_EVERY = dt.timedelta(days=1)


@task()
def seal_trail() -> int:
    return chain.seal_pending()


@task()
def check_trail() -> bool:
    check = chain.run_check()
    logger.log(
        logging.INFO if check.intact else logging.ERROR,
        "audit chain %s: %d events, head %s",
        "intact" if check.intact else "BROKEN",
        check.events,
        check.head or "(empty)",
    )
    return check.intact


def _last_check_age() -> tuple[bool, dt.timedelta] | None:
    """(intact, age) of the last check, the age by the database's clock (which dated it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT intact, now() - at FROM audit_auditcheck ORDER BY id DESC LIMIT 1")
        return cursor.fetchone()


def status() -> str:
    """ "ok", "problems", "stale" (no check for two days) or "unchecked"."""
    last = _last_check_age()
    if last is None:
        return "unchecked"
    intact, age = last
    if not intact:
        return "problems"
    return "stale" if age > 2 * CHECK_EVERY else "ok"


def schedule() -> None:
    """Enqueue what is due. The cache keeps one process from enqueueing on every probe."""
    if cache.add("crd-audit-seal", 1, timeout=SEAL_EVERY.total_seconds()):
        seal_trail.enqueue()
    last = _last_check_age()
    due = last is None or last[1] > CHECK_EVERY
    if due and cache.add("crd-audit-check", 1, timeout=3600):
        check_trail.enqueue()
