"""The task worker (PDF renders, imports, email): django_tasks_db's `db_worker`, made to
stop when it can no longer work, so that whatever supervises it (systemd, `make run`'s
loop) starts it again.

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
from django.db import DatabaseError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from reports.tasks import fail_interrupted_renders

DATABASE_LOST = (
    "The task worker lost the database (%s) and stops, for its supervisor to start it again."
)


class Command(db_worker.Command):
    help = (
        "Run the background task worker. It exits with status 1 when it loses the database "
        "or its loop fails, so that a supervisor restarts it."
    )

    def handle(self, *, verbosity, reload, batch, **options):
        self.configure_logging(verbosity)
        queues = options["queue_name"].split(",")
        excluded = [q for q in options["exclude_queues"].split(",") if q]
        if excluded and "*" not in queues:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = db_worker.Worker(
            queue_names=queues,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            # The first process only watches and restarts the second, which does the work.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                self.start(worker)
            run_with_reloader(self.work_in_thread, worker)
        else:
            self.start(worker)
            self.work(worker)

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
