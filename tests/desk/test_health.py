"""/healthz (issue 25): the database, each queue's worker by its heartbeat, each queue's
oldest waiting task, storage and the audit trail's last check; 503 naming what fails.
The workers are the real `task_worker` on the real queue, run in batch mode: the
database's, or Redis's under CRD_TEST_TASKS_BACKEND=redis (tests/conftest.py)."""

import datetime as dt
import json

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued

from core import queues
from desk.models import WorkerBeat
from desk.tasks import heartbeat
from reports.tasks import render_report

pytestmark = pytest.mark.django_db
# A worker closes its database connection when it stops: those tests commit for real.
worker_test = pytest.mark.django_db(transaction=True)
URL = reverse("healthz")
START = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


def probe(client) -> tuple[int, dict]:
    response = client.get(URL)
    return response.status_code, json.loads(response.content)


@pytest.fixture
def beats():
    """The queues each heartbeat is sent to, in order, whatever the backend."""
    sent = []

    def record(sender, task_result, **kwargs):
        if task_result.task.module_path == heartbeat.module_path:
            sent.append(task_result.task.queue_name)

    task_enqueued.connect(record)
    yield sent
    task_enqueued.disconnect(record)


def run_worker(queue: str) -> None:
    """The worker of one queue takes what waits there, then stops."""
    call_command("task_worker", queue_name=queue, batch=True, reload=False, startup_delay=False)


def test_every_part_answers_with_a_worker_on_each_queue(client):
    """Tests run tasks at once, as a worker that never waits would."""
    status, body = probe(client)
    assert status == 200
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"] == body["storage"] == body["audit"] == "ok"
    assert set(body["workers"]) == set(queues.ALL)
    assert all(w == {"status": "ok", "last_beat_seconds": 0} for w in body["workers"].values())


@worker_test
def test_a_stopped_worker_is_named_and_its_return_clears_it(client, queued_tasks, beats):
    with time_machine.travel(START, tick=False) as clock:
        status, body = probe(client)
        assert status == 200  # asked just now: no worker is late yet
        assert sorted(beats) == sorted(queues.ALL)
        clock.shift(dt.timedelta(minutes=3))
        status, body = probe(client)
        assert status == 503
        assert body["failing"] == ["workers.default", "workers.documents"]
        assert body["workers"]["documents"] == {"status": "stopped", "last_beat_seconds": None}
        # The email worker comes back; the documents worker is still away, and named alone.
        run_worker(queues.DEFAULT)
        status, body = probe(client)
        assert (status, body["failing"]) == (503, ["workers.documents"])
        run_worker(queues.DOCUMENTS)
        status, body = probe(client)
        assert (status, body["failing"]) == (200, [])
        assert body["workers"]["documents"]["last_beat_seconds"] == 0


@worker_test
def test_the_heartbeat_is_sent_once_a_minute_however_often_probed(client, queued_tasks, beats):
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(5):
            probe(client)
        assert sorted(beats) == sorted(queues.ALL)
        run_worker(queues.DEFAULT)
        run_worker(queues.DOCUMENTS)
        clock.shift(dt.timedelta(seconds=30))
        probe(client)
        assert len(beats) == 2  # answered within the minute: none sent
        clock.shift(dt.timedelta(seconds=40))
        probe(client)
        assert len(beats) == 4
    assert WorkerBeat.objects.count() == len(queues.ALL)


@worker_test
def test_a_task_waiting_too_long_is_named_with_its_age(client, queued_tasks):
    with time_machine.travel(START, tick=False) as clock:
        probe(client)
        run_worker(queues.DEFAULT)
        run_worker(queues.DOCUMENTS)
        render_report.enqueue(0)  # waits on the documents queue
        clock.shift(dt.timedelta(minutes=11))
        status, body = probe(client)
        assert status == 503
        assert "tasks.documents" in body["failing"] and "tasks.default" not in body["failing"]
        assert body["tasks"]["documents"] == {"status": "late", "oldest_seconds": 660}


def test_storage_that_cannot_be_written_is_named(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder's parent should be")
    settings.MEDIA_ROOT = blocker / "media"
    status, body = probe(client)
    assert status == 503
    assert body["storage"] == "error" and body["failing"] == ["storage"]


def test_storage_probe_leaves_nothing_behind(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert probe(client)[0] == 200
    assert list((tmp_path / "media").rglob("*.txt")) == []


def test_a_probe_reads_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    probe(client)
    WorkerBeat.objects.update(beat_at=timezone.now())
    with django_assert_max_num_queries(12):
        probe(client)


@worker_test
def test_the_balancers_probe_holds_while_a_worker_is_stopped(client, queued_tasks):
    """A stopped worker fails /healthz for monitoring, not the web servers' own probe."""
    with time_machine.travel(START, tick=False) as clock:
        probe(client)
        clock.shift(dt.timedelta(minutes=3))
        assert probe(client)[0] == 503
        response = client.get(reverse("healthz-web"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "failing": []}
