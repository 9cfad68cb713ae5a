"""Sending the outgoing email, in the background.

Each message is a row (`OutboundEmail`) written with the action it reports. The task sends
it and records the outcome; a failure is retried after 1, 5, 30 minutes and 2 hours, then
marked failed, which the administrators see on the outbox page and their home page. Two
workers never send the same message: the row is locked and skipped by the other.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import Agency
from notifications import mail
from notifications.models import OutboundEmail

log = logging.getLogger(__name__)

RETRY_AFTER = [dt.timedelta(minutes=m) for m in (1, 5, 30, 120)]
MAX_ATTEMPTS = len(RETRY_AFTER) + 1

Q = OutboundEmail.Status


def deliver(email_id: int) -> str:
    """Send one queued message now. Returns its status afterwards."""
    retry_at = None
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=Q.QUEUED)
            .first()
        )
        if email is None:
            return "skipped"
        message = mail.message(email, Agency.load())
        email.attempts += 1
        try:
            message.send(fail_silently=False)
        except Exception as error:  # SMTP refusals, timeouts, DNS: all retried the same way
            log.warning("Sending email %s failed (attempt %s): %s", email.pk, email.attempts, error)
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = Q.FAILED
                email.next_attempt_at = None
            else:
                retry_at = timezone.now() + RETRY_AFTER[email.attempts - 1]
                email.next_attempt_at = retry_at
        else:
            email.status = Q.SENT
            email.sent_at = timezone.now()
            email.next_attempt_at = None
            email.last_error = ""
        email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at", "sent_at"])
    if retry_at is not None:
        from notifications.notify import enqueue_delivery

        enqueue_delivery(email_id, run_after=retry_at)
    return email.status


@task()
def deliver_email(email_id: int) -> None:
    deliver(email_id)
