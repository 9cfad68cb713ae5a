"""Two queues (issue 25): PDFs and imports on `documents`, email on `default`, each with
its own worker, so a long render never holds up an email. Run with the real worker on the
real queue: the database's, or Redis's under CRD_TEST_TASKS_BACKEND=redis (conftest)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus

from accounts.areas import assign_places
from core import queues, taskbackend
from desk.models import WorkerBeat
from desk.tasks import heartbeat
from imports.tasks import check_file, import_file
from notifications.tasks import deliver_email
from reports import services
from reports.models import Report
from reports.public import render_spanish_pdf
from reports.tasks import render_report

CHECKOUT = Path(__file__).resolve().parents[2]
# A worker closes its database connection (and an RQ worker forks a process for each
# task, with its own): these tests commit for real.
worker_test = pytest.mark.django_db(transaction=True)


def work(queue: str) -> None:
    call_command("task_worker", queue_name=queue, batch=True, reload=False, startup_delay=False)


def test_each_task_is_on_its_queue_and_the_settings_know_both():
    for slow in (render_report, render_spanish_pdf, check_file, import_file, assign_places):
        assert slow.queue_name == queues.DOCUMENTS, slow
    assert deliver_email.queue_name == queues.DEFAULT
    assert settings.TASKS["default"]["QUEUES"] == list(queues.ALL)


@worker_test
def test_the_email_worker_sends_while_a_render_waits(queued_tasks):
    assert taskbackend.kind() == queued_tasks
    render = render_report.enqueue(0)
    email = deliver_email.enqueue(0)
    work(queues.DEFAULT)
    render.refresh()
    email.refresh()
    assert render.status == TaskResultStatus.READY
    assert email.status != TaskResultStatus.READY
    work(queues.DOCUMENTS)
    render.refresh()
    assert render.status != TaskResultStatus.READY


@worker_test
def test_a_render_asked_on_the_page_is_done_by_the_documents_worker(queued_tasks, cro):
    day = timezone.localdate() - dt.timedelta(days=120)
    report = services.generate_report(kind="quarterly", day=day, by=cro)
    services.request_render(report=report, by=cro)
    report.refresh_from_db()
    assert not report.pdf and report.render_state != Report.Render.DONE
    work(queues.DEFAULT)  # the email worker leaves it alone
    report.refresh_from_db()
    assert not report.pdf
    work(queues.DOCUMENTS)
    report.refresh_from_db()
    assert report.render_state == Report.Render.DONE and report.render_progress == 100
    with report.pdf.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


@worker_test
def test_the_worker_as_systemd_runs_it_answers_and_stops_cleanly(queued_tasks, settings):
    """`manage.py task_worker --queue-name default`, the unit's command line, in a process
    of its own: it runs the heartbeat sent to it, and on SIGTERM (systemctl stop) ends with
    status 0, which Restart=on-failure leaves stopped."""
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        # As a query, the host may be the embedded server's socket folder.
        "DATABASE_URL": f"postgres://{user}@/{db['NAME']}?"
        + urlencode({"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432}),
        "CRD_TASKS_BACKEND": queued_tasks,
    }
    if queued_tasks == "redis":
        env["CRD_TASKS_REDIS_URL"] = settings.RQ_QUEUES[queues.DEFAULT]["URL"]
    WorkerBeat.objects.create(queue=queues.DEFAULT)
    heartbeat.using(queue_name=queues.DEFAULT).enqueue(queues.DEFAULT)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "task_worker", "--queue-name", queues.DEFAULT],
        cwd=CHECKOUT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        beat = WorkerBeat.objects.filter(queue=queues.DEFAULT, beat_at__isnull=False)
        while not beat.exists() and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        assert beat.exists(), worker.stdout.read() if worker.poll() is not None else ""
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert code == 0, worker.stdout.read()
