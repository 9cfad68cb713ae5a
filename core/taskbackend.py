"""What the project asks of the task queue beyond enqueueing, answered for each backend it
runs on (config/settings.py, CRD_TASKS_BACKEND): the database (django_tasks_db) or Redis
(django-tasks-rq). Any other backend (the immediate one in tests) keeps nothing waiting or
running, and each question answers "nothing".

- `fail_running`: a task's run that a worker took up and will never finish (the worker
  died) is recorded as failed, with the exception named, as if the task had raised it;
- `oldest_waiting`: each queue's oldest task ready to run, and when it was enqueued.
"""

import datetime as dt
import traceback
from collections.abc import Iterable

import django_rq
from django.db.models import Min
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus, task_backends
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import Job, RQBackend
from rq.job import JobStatus
from rq.registry import FailedJobRegistry, StartedJobRegistry
from rq.results import Result
from rq.timeouts import TimerDeathPenalty

DATABASE = "database"
REDIS = "redis"
# The oldest of a Redis queue is read among its first jobs: jobs join at the tail, and none
# of the project's tasks asks to go to the front, so these are the oldest (a few, not one,
# in case the first expired while it waited).
HEAD = 10


def kind() -> str:
    """Which queue the tasks wait in: DATABASE, REDIS, or "" (run at once, or elsewhere)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if isinstance(backend, DatabaseBackend):
        return DATABASE
    if isinstance(backend, RQBackend):
        return REDIS
    return ""


def fail_running(task: Task, *, args: list, started_by: dt.datetime, error: BaseException) -> int:
    """Fail the runs of `task` with these arguments that a worker took up at or before
    `started_by`; a run taken up since is left alone. Returns how many were failed."""
    which = kind()
    if which == DATABASE:
        return DBTaskResult.objects.filter(
            task_path=task.module_path,
            status=TaskResultStatus.RUNNING,
            args_kwargs__args=list(args),
            started_at__lte=started_by,
        ).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{type(error).__module__}.{type(error).__qualname__}",
            traceback=str(error),
        )
    if which == REDIS:
        return _fail_started_jobs(task, list(args), started_by, error)
    return 0


def _fail_started_jobs(task: Task, args: list, started_by: dt.datetime, error) -> int:
    """As rq itself fails a job whose worker stopped answering (StartedJobRegistry.cleanup),
    at once rather than when the worker's registration expires: the failure callback runs
    (django-tasks-rq records the exception's class there; timed by a thread, not an alarm
    signal, since a web server's thread may call this), the job leaves the started registry
    for the failed one, with a failed result carrying the message."""
    queue = django_rq.get_queue(task.queue_name, job_class=Job)
    started = StartedJobRegistry(queue=queue)
    jobs = Job.fetch_many(started.get_job_ids(cleanup=False), connection=queue.connection)
    mine = [
        job
        for job in jobs
        if job is not None
        and job.func_name == task.module_path
        and list(job.args) == args
        and job.started_at is not None
        and job.started_at <= started_by
    ]
    ended = timezone.now()
    for job in mine:
        job.execute_failure_callback(
            TimerDeathPenalty, type(error), error, traceback.extract_stack()
        )
        with queue.connection.pipeline() as pipeline:
            job.ended_at = ended
            job.set_status(JobStatus.FAILED, pipeline=pipeline)
            job.save(pipeline=pipeline)
            started.remove_executions(job, pipeline=pipeline)
            FailedJobRegistry(queue=queue).add(
                job, ttl=job.failure_ttl, exc_string=str(error), pipeline=pipeline
            )
            Result.create_failure(job, job.failure_ttl, exc_string=str(error), pipeline=pipeline)
            pipeline.execute()
    return len(mine)


def oldest_waiting(queue_names: Iterable[str]) -> dict[str, dt.datetime]:
    """For each queue with a task ready to run, when the oldest of them was enqueued."""
    names = list(queue_names)
    which = kind()
    if which == DATABASE:
        rows = (
            DBTaskResult.objects.ready()
            .filter(queue_name__in=names)
            .values("queue_name")
            .annotate(oldest=Min("enqueued_at"))
        )
        return {row["queue_name"]: row["oldest"] for row in rows}
    if which == REDIS:
        found = {}
        for name in names:
            queue = django_rq.get_queue(name, job_class=Job)
            jobs = Job.fetch_many(queue.get_job_ids(0, HEAD), connection=queue.connection)
            times = [job.enqueued_at for job in jobs if job is not None and job.enqueued_at]
            if times:
                found[name] = min(times)
        return found
    return {}
