"""Sending the outgoing email, in the background.

Each message is a row (`OutboundEmail`) written with the action it reports. The task sends
it and records the outcome; a failure is retried after 1, 5, 30 minutes and 2 hours, then
marked failed, which the administrators see on the outbox page and their home page. Two
workers never send the same message: the row is locked and skipped by the other.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import OutboundEmail

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
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(email.body_html, "text/html")
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
        from accounts.notify import enqueue_delivery

        enqueue_delivery(email_id, run_after=retry_at)
    return email.status


@task()
def deliver_email(email_id: int) -> None:
    deliver(email_id)


@task()
def import_file(log_id: int) -> None:
    """Import a checked spreadsheet in the background (accounts.importing.run_import).

    The file was claimed by renaming it to `<name>.importing` when the import was asked
    for; it is deleted once imported, and given back its name when refused, so the person
    can correct the column mapping and try again. Any failure leaves nothing saved."""
    from accounts.import_views import pending_path
    from accounts.importing import Problem, _finish, read_file, run_import
    from accounts.models import ImportLog

    claimed = ImportLog.objects.filter(pk=log_id, status=ImportLog.Status.QUEUED).update(
        status=ImportLog.Status.RUNNING, progress=1
    )
    if not claimed:
        return  # already run (a retried task) or never queued
    entry = ImportLog.objects.select_related("by").get(pk=log_id)
    path = pending_path(entry.stored_file)
    taken = path.with_suffix(path.suffix + ".importing")
    try:
        dataset = read_file(taken.read_bytes(), entry.file_name)
        status = run_import(log=entry, dataset=dataset)
    except Exception as error:
        log.exception("Import %s failed", log_id)
        _finish(
            entry,
            ImportLog.Status.REFUSED,
            [
                Problem(
                    0,
                    "",
                    _("The import stopped: %(error)s. Nothing was saved.")
                    % {"error": f"{type(error).__name__}: {error}"},
                )
            ],
            progress=100,
        )
        status = ImportLog.Status.REFUSED
    if status == ImportLog.Status.IMPORTED:
        taken.unlink(missing_ok=True)
    elif taken.exists():
        taken.rename(path)
