"""What /healthz checks, each part named in its answer (503 names those that fail):

- `database`: it answers a query;
- `workers`: each queue's task worker (core/queues.py) ran the heartbeat sent to it: a
  probe sends one when the last answer is a minute old, and a worker that has not run it
  two minutes later has stopped (or is stuck on one task that long);
- `tasks`: each queue's oldest task waiting to run, failing past ten minutes (a worker
  alive but far behind);
- `storage`: a small file can be written and removed where uploads and PDFs are kept
  (checked once a minute per process; between checks the last answer is given);
- `audit`: the audit trail's daily check found it intact and is not overdue
  (audit/tasks.py; "unchecked" on a new install passes).

Load balancers may probe every few seconds: the heartbeat is sent once per minute per
queue whatever the number of web servers (one conditional UPDATE decides who sends it).
"""

import datetime as dt

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import F, Value
from django.db.models import Q as Where
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit import tasks as audit_tasks
from core import queues, taskbackend
from desk.models import WorkerBeat
from desk.tasks import heartbeat

BEAT_EVERY = dt.timedelta(minutes=1)
WORKER_LATE = dt.timedelta(minutes=2)
RESEND_EVERY = dt.timedelta(minutes=10)
TASK_LATE = dt.timedelta(minutes=10)
STORAGE_EVERY = 60  # seconds
STORAGE_KEY = "crd:health-storage"
AUDIT_FAILS = {"problems", "stale"}


def database() -> None:
    """Raises DatabaseError when the database does not answer."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _ask(queue: str, now: dt.datetime) -> None:
    """Send the queue a heartbeat when its last answer and the last sending are both a
    minute old. While one waits unanswered, another is sent only every ten minutes (in case
    the first was lost), and the wait is counted from the first."""
    WorkerBeat.objects.get_or_create(queue=queue)
    minute_ago = now - BEAT_EVERY
    asked = (
        WorkerBeat.objects.filter(queue=queue)
        .filter(Where(beat_at__isnull=True) | Where(beat_at__lt=minute_ago))
        .filter(
            Where(asked_at__isnull=True)
            | Where(waiting_since__isnull=True, asked_at__lt=minute_ago)
            | Where(asked_at__lt=now - RESEND_EVERY)
        )
        .update(asked_at=now, waiting_since=Coalesce(F("waiting_since"), Value(now)))
    )
    if asked:
        heartbeat.using(queue_name=queue).enqueue(queue)


def workers(now: dt.datetime) -> dict:
    """Each queue: "ok", or "stopped" when a heartbeat sent to it has waited unanswered
    longer than two minutes."""
    for queue in queues.ALL:
        _ask(queue, now)
    out = {}
    for beat in WorkerBeat.objects.filter(queue__in=queues.ALL).order_by("queue"):
        late = beat.waiting_since is not None and now - beat.waiting_since > WORKER_LATE
        out[beat.queue] = {
            "status": "stopped" if late else "ok",
            "last_beat_seconds": int((now - beat.beat_at).total_seconds())
            if beat.beat_at
            else None,
        }
    return out


def waiting_tasks(now: dt.datetime) -> dict:
    """Each queue's tasks ready to run and the age of the oldest, in the database or in
    Redis (core/taskbackend.py); a backend that keeps no queue has nothing to report."""
    if not taskbackend.kind():
        return {}
    found = taskbackend.oldest_waiting(queues.ALL)
    out = {}
    for queue in queues.ALL:
        age = int((now - found[queue]).total_seconds()) if queue in found else 0
        out[queue] = {
            "status": "late" if age > TASK_LATE.total_seconds() else "ok",
            "oldest_seconds": age,
        }
    return out


def storage() -> str:
    """Writes and removes a small file where uploads are kept, at most once a minute."""
    known = cache.get(STORAGE_KEY)
    if known is not None:
        return known
    try:
        name = default_storage.save("health/probe.txt", ContentFile(b"ok"))
        default_storage.delete(name)
        result = "ok"
    except Exception:  # noqa: BLE001 - any failure of the storage is the answer
        result = "error"
    cache.set(STORAGE_KEY, result, STORAGE_EVERY)
    return result


def audit() -> str:
    audit_tasks.schedule()
    return audit_tasks.status()


def report() -> dict:
    """Every part's answer and `failing`, the names of those that fail. Call `database()`
    first: without a database nothing else can be asked."""
    now = timezone.now()
    answer = {
        "database": "ok",
        "workers": workers(now),
        "tasks": waiting_tasks(now),
        "storage": storage(),
        "audit": audit(),
    }
    failing = [f"workers.{q}" for q, w in answer["workers"].items() if w["status"] != "ok"]
    failing += [f"tasks.{q}" for q, t in answer["tasks"].items() if t["status"] != "ok"]
    if answer["storage"] != "ok":
        failing.append("storage")
    if answer["audit"] in AUDIT_FAILS:
        failing.append("audit")
    return {"status": "error" if failing else "ok", **answer, "failing": failing}
