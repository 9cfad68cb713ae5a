"""A render whose worker or layout process died is offered again at once, its task recorded
as failed; a task worker that loses the database ends, for its supervisor to restart it
(issue 21, finding 12)."""

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

import psycopg
import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reports import services
from reports.models import RENDER_LOCK, Report
from reports.tasks import RENDER_INTERRUPTED, render_report

pytestmark = pytest.mark.django_db

R = Report.Render
CHECKOUT = Path(__file__).resolve().parents[2]
# WeasyPrint needs many seconds for this: long enough to kill its process mid-layout.
SLOW_HTML = "<table>" + "<tr><td>Row</td><td>Some text</td></tr>" * 5000 + "</table>"


@pytest.fixture
def rendered(cro, django_capture_on_commit_callbacks):
    day = timezone.localdate() - dt.timedelta(days=120)
    report = services.generate_report(kind="quarterly", day=day, by=cro)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(report=report, by=cro)
    report.refresh_from_db()
    assert report.render_state == R.DONE
    return report


def running_task(report, started) -> DBTaskResult:
    """The task row a database worker leaves behind when it is killed mid-render."""
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [report.pk], "kwargs": {}},
        task_path=render_report.module_path,
        backend_name="default",
        queue_name="default",
        run_after=started,
        started_at=started,
        worker_ids=["killed"],
    )


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


def test_render_of_a_killed_worker_is_retryable_at_once_and_its_task_failed(
    rendered, client_for, cro, django_capture_on_commit_callbacks
):
    # Killed ten seconds into a render: well inside the time a render may take.
    started = timezone.now() - dt.timedelta(seconds=10)
    task_row = running_task(rendered, started - dt.timedelta(seconds=1))
    Report.objects.filter(pk=rendered.pk).update(
        render_state=R.RUNNING, render_progress=40, render_started_at=started
    )
    client = client_for(cro)
    page = client.get(rendered.get_absolute_url()).content.decode()
    assert str(RENDER_INTERRUPTED) in page
    assert "Try again</button>" in page and 'http-equiv="refresh"' not in page
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.FAILED
    assert task_row.exception_class_path == "reports.tasks.RenderInterrupted"
    assert task_row.finished_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:render", args=[rendered.pk]))
    assert response.status_code == 302
    rendered.refresh_from_db()
    assert rendered.render_state == R.DONE and rendered.render_error == ""


def test_retry_posted_without_reading_the_page_fails_the_dead_task(
    rendered, client_for, cro, django_capture_on_commit_callbacks
):
    started = timezone.now() - dt.timedelta(seconds=5)
    task_row = running_task(rendered, started)
    Report.objects.filter(pk=rendered.pk).update(render_state=R.RUNNING, render_started_at=started)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cro).post(reverse("reports:render", args=[rendered.pk]))
    assert response.status_code == 302
    task_row.refresh_from_db()
    rendered.refresh_from_db()
    assert task_row.status == TaskResultStatus.FAILED
    assert rendered.render_state == R.DONE


def test_render_with_a_live_worker_is_followed_and_not_taken_twice(rendered, client_for, cro):
    started = timezone.now() - dt.timedelta(seconds=10)
    task_row = running_task(rendered, started)
    Report.objects.filter(pk=rendered.pk).update(render_state=R.RUNNING, render_started_at=started)
    with other_session() as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [RENDER_LOCK, rendered.pk])
        client = client_for(cro)
        page = client.get(rendered.get_absolute_url()).content.decode()
        assert 'http-equiv="refresh"' in page and "Try again" not in page
        assert client.post(reverse("reports:render", args=[rendered.pk])).status_code == 400
        render_report.call(rendered.pk)  # a second task for the same report does nothing
        rendered.refresh_from_db()
        task_row.refresh_from_db()
        assert rendered.render_state == R.RUNNING
        assert task_row.status == TaskResultStatus.RUNNING
    # The worker's session ended (killed): the same page now offers the retry.
    page = client.get(rendered.get_absolute_url()).content.decode()
    assert str(RENDER_INTERRUPTED) in page and "Try again</button>" in page
    task_row.refresh_from_db()
    assert task_row.status == TaskResultStatus.FAILED


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
