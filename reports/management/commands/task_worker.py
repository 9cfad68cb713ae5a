"""The task worker (PDF renders, imports, email): django_tasks_db's `db_worker`, made to
stop when it can no longer work, so that whatever supervises it (systemd, `make run`'s
loop) starts it again. With the Redis backend (CRD_TASKS_BACKEND=redis) the same command
line runs an RQ worker on the same queues instead (below, `RQ`).

`db_worker` with `--reload` (the default with DEBUG) runs its loop in a thread beside the
code watcher; when that loop raised (the database went away) the thread died and the process
lived on, doing nothing. Here the loop's end, whatever the cause, ends the process: status 1
on a failure, with one plain line when the database is the cause. On start, renders left
running by a worker that died are failed, with their tasks (reports.tasks), so the report
page offers them again at once.
"""

import os
import sys
import traceback

from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_rq.workers import get_worker
from django_tasks_db.management.commands import db_worker
from django_tasks_rq.backend import Job
from rq import Worker

from core import queues as all_queues
from core import taskbackend
from reports.tasks import fail_interrupted_renders

DATABASE_LOST = (
    "The task worker lost the database (%s) and stops, for its supervisor to start it again."
)
RQ_ENDED = "The task worker's loop ended unasked (see the log above) and stops, to be restarted."
RQ_LOG_LEVELS = {0: "WARNING", 1: "INFO"}
NO_RELOAD = "With the Redis backend the worker does not reload on code changes: restart it."


class StoppableWorker(Worker):
    """rq's worker, each task in a child process forked for it (its memory returned when it
    ends, a task past its queue's DEFAULT_TIMEOUT killed), which remembers being asked to
    stop."""

    asked_to_stop = False
    batch = False

    def request_stop(self, signum, frame):
        self.asked_to_stop = True
        super().request_stop(signum, frame)

    def subscribe(self):
        # rq hears its commands (stop, kill a task) in a thread that wakes once a minute, and
        # as the worker ends it may wait that minute for it. A batch ends by itself.
        if not self.batch:
            super().subscribe()


class RQ:
    """An RQ worker on the given queues, with the two calls the command makes of a database
    worker. It also runs rq's scheduler, which moves a deferred task (an email retried
    later) to its queue when due."""

    def __init__(self, queue_names, *, name, burst, max_jobs, logging_level):
        self.worker = get_worker(
            *queue_names, job_class=Job, worker_class=StoppableWorker, name=name
        )
        self.worker.batch = self.burst = burst
        self.max_jobs = max_jobs
        self.logging_level = logging_level

    def configure_signals(self) -> None:
        # rq sets its own as its loop starts. A forked child must not share the database
        # connection the start used.
        connections.close_all()

    def run(self) -> None:
        self.worker.work(
            burst=self.burst,
            max_jobs=self.max_jobs,
            with_scheduler=True,
            logging_level=self.logging_level,
        )
        if not (self.burst or self.max_jobs or self.worker.asked_to_stop):
            raise CommandError(RQ_ENDED)


class Command(db_worker.Command):
    help = (
        "Run the background task worker. It exits with status 1 when it loses the database "
        "or its loop fails, so that a supervisor restarts it."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # db_worker takes only a database backend; with Redis the option is unused.
        for action in parser._actions:  # argparse lists its options nowhere public
            if action.dest == "backend_name" and taskbackend.kind() == taskbackend.REDIS:
                action.type = str

    def handle(self, *, verbosity, reload, batch, **options):
        self.configure_logging(verbosity)
        queues = options["queue_name"].split(",")
        excluded = [q for q in options["exclude_queues"].split(",") if q]
        if excluded and "*" not in queues:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        if taskbackend.kind() == taskbackend.REDIS:
            names = [q for q in all_queues.ALL if q not in excluded] if "*" in queues else queues
            worker = RQ(
                names,
                name=options["worker_id"],
                burst=batch,
                max_jobs=options["max_tasks"],
                logging_level=RQ_LOG_LEVELS.get(verbosity, "DEBUG"),
            )
            if reload and not batch:
                # rq's loop times its children with signals, which only the main thread
                # receives, and the code watcher would leave it another thread.
                self.stderr.write(NO_RELOAD)
                reload = False
        else:
            worker = self.database_worker(queues, excluded, batch, options)
        if reload and not batch:
            # The first process only watches and restarts the second, which does the work.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                self.start(worker)
            run_with_reloader(self.work_in_thread, worker)
        else:
            self.start(worker)
            self.work(worker)

    def database_worker(self, queues, excluded, batch, options):
        return db_worker.Worker(
            queue_names=queues,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )

    def start(self, worker) -> None:
        try:
            failed = fail_interrupted_renders()
        except DatabaseError as error:
            raise CommandError(DATABASE_LOST % error) from error
        if failed:
            self.stderr.write(f"{failed} render(s) left running by a stopped worker marked failed.")
        worker.configure_signals()

    def work(self, worker) -> None:
        try:
            worker.run()
        except DatabaseError as error:
            raise CommandError(DATABASE_LOST % error) from error

    def work_in_thread(self, worker) -> None:
        """The loop in the code watcher's thread: its end is the process's end."""
        code = 0
        try:
            self.work(worker)
        except CommandError as error:
            self.stderr.write(str(error))
            code = 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # sys.exit would end only this thread
