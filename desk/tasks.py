"""The workers' heartbeat: a task that a live worker of the queue it is sent to runs within
seconds (desk/health.py sends it to each queue)."""

from django.utils import timezone
from django_tasks import task

from core import queues
from desk.models import WorkerBeat


@task(queue_name=queues.DEFAULT)
def heartbeat(queue: str) -> None:
    WorkerBeat.objects.filter(queue=queue).update(beat_at=timezone.now(), waiting_since=None)
