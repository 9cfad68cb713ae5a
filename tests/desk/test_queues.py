"""Two queues (issue 25): PDFs and imports on `documents`, email on `default`, each with
its own worker, so a long render never holds up an email. Run on the real database queue
with the real worker."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.areas import assign_places
from core import queues
from imports.tasks import check_file, import_file
from notifications.tasks import deliver_email
from reports.public import render_spanish_pdf
from reports.tasks import render_report


def work(queue: str) -> None:
    call_command("task_worker", queue_name=queue, batch=True, reload=False, startup_delay=False)


def test_each_task_is_on_its_queue_and_the_settings_know_both():
    for slow in (render_report, render_spanish_pdf, check_file, import_file, assign_places):
        assert slow.queue_name == queues.DOCUMENTS, slow
    assert deliver_email.queue_name == queues.DEFAULT
    assert settings.TASKS["default"]["QUEUES"] == list(queues.ALL)


@pytest.mark.django_db(transaction=True)
def test_the_email_worker_sends_while_a_render_waits(database_tasks):
    render = render_report.enqueue(0)
    email = deliver_email.enqueue(0)
    work(queues.DEFAULT)
    assert DBTaskResult.objects.get(pk=render.id).status == TaskResultStatus.READY
    assert DBTaskResult.objects.get(pk=email.id).status != TaskResultStatus.READY
    work(queues.DOCUMENTS)
    assert DBTaskResult.objects.get(pk=render.id).status != TaskResultStatus.READY
