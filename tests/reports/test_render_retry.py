"""A render whose worker or layout process died is offered again at once, its task recorded
as failed; a task worker that loses the database ends, for its supervisor to restart it
(issue 21, finding 12). The killed worker's task is in the real queue: the database's, or
Redis's under CRD_TEST_TASKS_BACKEND=redis (tests/conftest.py)."""

import contextlib
import datetime as dt
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import django_rq
import psycopg
import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from django_tasks_rq.backend import Job
from rq import Worker

from core.queues import DOCUMENTS
from reports import services
from reports.models import RENDER_LOCK, Report
from reports.tasks import RENDER_INTERRUPTED, render_report

pytestmark = pytest.mark.django_db

R = Report.Render
CHECKOUT = Path(__file__).resolve().parents[2]
# WeasyPrint needs many seconds for this: long enough to kill its process mid-layout.
SLOW_HTML = "<table>" + "<tr><td>Row</td><td>Some text</td></tr>" * 5000 + "</table>"


# A report not rendered in the test's process: a process that has started the layout's fork
# server (reports/layout.py) cannot fork an RQ worker's child that renders, since Python's
# fork server is looked for among the process's own children.
@pytest.fixture
def report(cro):
    day = timezone.localdate() - dt.timedelta(days=120)
    return services.generate_report(kind="quarterly", day=day, by=cro)


@pytest.fixture
def rendered(report, django_capture_on_commit_callbacks, cro):
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(report=report, by=cro)
    report.refresh_from_db()
    assert report.render_state == R.DONE
    return report


def running_task(report, started, queue: str) -> str:
    """The task a worker leaves behind when it is killed mid-render, taken up at `started`:
    the database worker's row, or the job an RQ worker took with rq's own steps and never
    finished. Returns the task's id."""
    if queue == "redis":
        result = render_report.enqueue(report.pk)
        rq_queue = django_rq.get_queue(DOCUMENTS, job_class=Job)
        worker = Worker([rq_queue], connection=rq_queue.connection, job_class=Job, name="killed")
        with time_machine.travel(started, tick=False):
            job, _ = worker.dequeue_job_and_maintain_ttl(None)
            worker.prepare_execution(job)
            worker.prepare_job_execution(job)
        return result.id
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [report.pk], "kwargs": {}},
        task_path=render_report.module_path,
        backend_name="default",
        queue_name="default",
        run_after=started,
        started_at=started,
        worker_ids=["killed"],
    ).id


def task_status(task_id) -> str:
    return render_report.get_result(str(task_id)).status


def work_documents() -> None:
    call_command("task_worker", queue_name=DOCUMENTS, batch=True, reload=False, startup_delay=False)


def other_session():
    """A second database session, as a live worker's would be."""
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"],
        port=settings["PORT"] or 5432,
        autocommit=True,
    )


# The retry is rendered by a real worker, which commits and closes its connection.
@pytest.mark.django_db(transaction=True)
def test_render_of_a_killed_worker_is_retryable_at_once_and_its_task_failed(
    report, client_for, cro, queued_tasks
):
    # Killed ten seconds into a render: well inside the time a render may take.
    started = timezone.now() - dt.timedelta(seconds=10)
    task_id = running_task(report, started - dt.timedelta(seconds=1), queued_tasks)
    Report.objects.filter(pk=report.pk).update(
        render_state=R.RUNNING, render_progress=40, render_started_at=started
    )
    client = client_for(cro)
    page = client.get(report.get_absolute_url()).content.decode()
    assert str(RENDER_INTERRUPTED) in page
    assert "Try again</button>" in page and 'http-equiv="refresh"' not in page
    task = render_report.get_result(str(task_id))
    assert task.status == TaskResultStatus.FAILED
    assert task.errors[-1].exception_class_path == "reports.tasks.RenderInterrupted"
    assert task.finished_at is not None

    response = client.post(reverse("reports:render", args=[report.pk]))
    assert response.status_code == 302
    work_documents()
    report.refresh_from_db()
    assert report.render_state == R.DONE and report.render_error == ""


@pytest.mark.django_db(transaction=True)
def test_retry_posted_without_reading_the_page_fails_the_dead_task(
    report, client_for, cro, queued_tasks
):
    started = timezone.now() - dt.timedelta(seconds=5)
    task_id = running_task(report, started, queued_tasks)
    Report.objects.filter(pk=report.pk).update(render_state=R.RUNNING, render_started_at=started)
    response = client_for(cro).post(reverse("reports:render", args=[report.pk]))
    assert response.status_code == 302
    assert task_status(task_id) == TaskResultStatus.FAILED
    work_documents()
    report.refresh_from_db()
    assert report.render_state == R.DONE


def test_render_with_a_live_worker_is_followed_and_not_taken_twice(
    report, client_for, cro, queued_tasks
):
    started = timezone.now() - dt.timedelta(seconds=10)
    task_id = running_task(report, started, queued_tasks)
    Report.objects.filter(pk=report.pk).update(render_state=R.RUNNING, render_started_at=started)
    with other_session() as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [RENDER_LOCK, report.pk])
        client = client_for(cro)
        page = client.get(report.get_absolute_url()).content.decode()
        assert 'http-equiv="refresh"' in page and "Try again" not in page
        assert client.post(reverse("reports:render", args=[report.pk])).status_code == 400
        render_report.call(report.pk)  # a second task for the same report does nothing
        report.refresh_from_db()
        assert report.render_state == R.RUNNING
        assert task_status(task_id) == TaskResultStatus.RUNNING
    # The worker's session ended (killed): the same page now offers the retry.
    page = client.get(report.get_absolute_url()).content.decode()
    assert str(RENDER_INTERRUPTED) in page and "Try again</button>" in page
    assert task_status(task_id) == TaskResultStatus.FAILED


def test_killed_layout_process_fails_the_render_and_its_task(
    rendered, monkeypatch, client_for, cro
):
    monkeypatch.setattr("reports.pdf.report_html", lambda report: SLOW_HTML)
    killed = []

    def kill_the_layout():
        deadline = time.monotonic() + 20
        while not killed and time.monotonic() < deadline:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_layout)
    killer.start()
    result = render_report.enqueue(rendered.pk)
    killer.join()
    assert killed
    assert result.status == TaskResultStatus.FAILED
    rendered.refresh_from_db()
    assert rendered.render_state == R.FAILED
    assert "the layout process ended without a PDF" in rendered.render_error
    page = client_for(cro).get(rendered.get_absolute_url()).content.decode()
    assert "Try again</button>" in page and 'http-equiv="refresh"' not in page


class Relay:
    """A TCP relay to the database server that can be cut, as an outage would. The embedded
    server listens only on a Unix socket in its folder (HOST is that folder)."""

    def __init__(self, host: str, port: int):
        self.target = f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets = []
        self.connections = 0
        self.open = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.open:  # cut: nothing gets through, as with the server down
                client.close()
                return
            self.connections += 1
            server = self._connect()
            self.sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _connect(self) -> socket.socket:
        if isinstance(self.target, tuple):
            return socket.create_connection(self.target)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(self.target)
        return server

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)

    def cut(self):
        self.open = False
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


@pytest.mark.parametrize("reload", ["--reload", "--no-reload"])
def test_task_worker_ends_when_it_loses_the_database(reload):
    settings = connection.settings_dict
    relay = Relay(settings["HOST"] or "127.0.0.1", int(settings["PORT"] or 5432))
    user = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{relay.port}/{settings['NAME']}",
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", reload, "--interval", "0.2"],
        cwd=CHECKOUT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not relay.connections and time.monotonic() < deadline:
            time.sleep(0.1)  # until the worker has started
        time.sleep(2)  # and is polling for tasks
        assert relay.connections and worker.poll() is None
        relay.cut()
        code = worker.wait(timeout=20)  # a zombie worker would never end
        err = worker.stderr.read()
    finally:
        relay.cut()
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert code == 1, err
    assert "The task worker lost the database" in err
