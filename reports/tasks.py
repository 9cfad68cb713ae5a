import contextlib
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from core import taskbackend
from core.queues import DOCUMENTS
from reports.layout import LayoutFailed
from reports.models import RENDER_LOCK, Report, render_is_alive
from reports.pdf import RenderTimeout, render_pdf, sha256, store_pdf

log = logging.getLogger(__name__)

R = Report.Render

RENDER_FAILED = _(
    "The PDF could not be rendered ({reason}). Nothing was changed. Try again; if it fails "
    "again, tell your administrator."
)
RENDER_TIMED_OUT = _(
    "The PDF took too long and was stopped. Nothing was changed. Try again, or if it happens "
    "again, ask your administrator to allow more than {seconds} seconds for a PDF."
)
RENDER_STOPPED = _(
    "The PDF was stopped before it finished because the background worker was shut down. "
    "Nothing was changed. Try again."
)
RENDER_INTERRUPTED = _(
    "The PDF was interrupted: it started and never finished (the background worker "
    "stopped). Nothing was changed. Try again."
)
REPORT_CHANGED = _(
    "The report was submitted or decided while this PDF was being rendered, so the PDF was "
    "not kept. Nothing was changed. Render it again."
)


class RenderFailed(Exception):
    """Raised after a failed render is recorded on the report, so that its task is
    recorded as failed too."""


class RenderInterrupted(Exception):
    """What the task of a render whose worker died is recorded as having failed with."""


@task(queue_name=DOCUMENTS)
def render_report(report_id: int) -> None:
    """Render a report's PDF in the background, showing progress on the report.

    Nothing on the report changes until the PDF is complete: the file is stored whole under
    a new name, then the report is pointed at it in one UPDATE. A failure, a render past
    CRD_PDF_TIMEOUT_SECONDS (stopped), or a worker killed mid-render leaves the report and
    any earlier file as they were, and the task failed. An approved report's final file is
    written once, with its SHA-256, and never again.
    """
    report = Report.objects.get(pk=report_id)
    if report.status == Report.Status.APPROVED and report.pdf_sha256:
        return
    with _render_lock(report_id) as held:
        if not held:
            return  # another worker is rendering this report now (the same PDF asked twice)
        # Holding the lock, a render still shown running is one whose worker died.
        _interrupted(report_id)
        _render(report, report_id)


def _render(report: Report, report_id: int) -> None:
    started = timezone.now()
    Report.objects.filter(pk=report_id).update(
        render_state=R.RUNNING, render_progress=10, render_error="", render_started_at=started
    )
    # This render's own row state: once a newer render is asked for, this one writes nothing.
    mine = Report.objects.filter(pk=report_id, render_state=R.RUNNING, render_started_at=started)
    try:
        pdf = render_pdf(report, progress=lambda percent: mine.update(render_progress=percent))
    except RenderTimeout:
        log.warning("Rendering report %s took too long and was stopped", report_id)
        seconds = settings.CRD_PDF_TIMEOUT_SECONDS
        _failed(mine, RENDER_TIMED_OUT.format(seconds=seconds))
    except Exception as error:  # any failure of the layout engine is shown to the user
        log.exception("Rendering report %s failed", report_id)
        _failed(mine, RENDER_FAILED.format(reason=_reason(error)))
    except BaseException:
        # The worker is being stopped (a second Ctrl-C or SIGTERM): say so, then stop.
        _record_failure(mine, RENDER_STOPPED)
        raise
    else:
        try:
            _store(report, pdf, mine)
        except RenderFailed:
            raise
        except Exception as error:  # the disk or the bucket refused the file
            log.exception("Storing the PDF of report %s failed", report_id)
            _failed(mine, RENDER_FAILED.format(reason=_reason(error)))


@contextlib.contextmanager
def _render_lock(report_id: int):
    """The report's render lock (reports.models.RENDER_LOCK) for this worker's session, if
    no other session holds it; released on the way out, or by the server with the session."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [RENDER_LOCK, report_id])
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            # A lost session released it already.
            with contextlib.suppress(DatabaseError), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RENDER_LOCK, report_id])


def fail_interrupted_render(report_id: int) -> bool:
    """A render shown running with no worker behind it is failed now, and its task with
    it, so the report page offers to try again at once. Returns whether it was."""
    if render_is_alive(report_id):
        return False
    return _interrupted(report_id)


def fail_interrupted_renders() -> int:
    """Every render left running by a worker that died (run as a task worker starts)."""
    running = Report.objects.filter(render_state=R.RUNNING).values_list("pk", flat=True)
    return sum(fail_interrupted_render(pk) for pk in running)


def _interrupted(report_id: int) -> bool:
    """Fail the running render of this report and its task; the caller knows that no
    worker holds its lock."""
    started = (
        Report.objects.filter(pk=report_id, render_state=R.RUNNING)
        .values_list("render_started_at", flat=True)
        .first()
    )
    if started is None:
        return False
    failed = Report.objects.filter(
        pk=report_id, render_state=R.RUNNING, render_started_at=started
    ).update(render_state=R.FAILED, render_error=str(RENDER_INTERRUPTED), render_progress=0)
    # Its task: the one taken up before the render began. A task taken up since (a retry
    # about to take the lock) started later and is left alone.
    taskbackend.fail_running(
        render_report,
        args=[report_id],
        started_by=started,
        error=RenderInterrupted(str(RENDER_INTERRUPTED)),
    )
    return bool(failed)


def _reason(error: Exception) -> str:
    if isinstance(error, LayoutFailed):
        return str(error)[:1500]
    return f"{type(error).__name__}: {error}"[:1500]


def _record_failure(mine, message: str) -> None:
    mine.update(render_state=R.FAILED, render_error=message, render_progress=0)


def _failed(mine, message: str) -> None:
    _record_failure(mine, message)
    raise RenderFailed(message)


def _store(report: Report, pdf: bytes, mine) -> None:
    final = report.status == Report.Status.APPROVED
    kind = f"survey{report.survey_id}" if report.survey_id else report.kind
    name = f"{kind}-{report.period_start:%Y-%m-%d}-v{report.version}"
    name += ".pdf" if final else "-draft.pdf"
    storage = report.pdf.storage
    old = report.pdf.name if report.pdf and not final else ""
    stored = store_pdf(storage, report.pdf.field.generate_filename(report, name), pdf)
    # Pointed at the new file only if the report is still as it was when the render began:
    # a draft's PDF is never kept on a submitted or approved report, nor a final file replaced.
    done = mine.filter(status=report.status, pdf_sha256="").update(
        pdf=stored,
        pdf_sha256=sha256(pdf) if final else "",
        render_state=R.DONE,
        render_progress=100,
        render_error="",
        rendered_at=timezone.now(),
    )
    if not done:
        storage.delete(stored)
        _failed(mine, REPORT_CHANGED)
        return
    if old and old != stored:
        storage.delete(old)
