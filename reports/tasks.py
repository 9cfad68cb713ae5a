import logging

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from reports.models import Report
from reports.pdf import render_pdf, sha256

log = logging.getLogger(__name__)


def _set(report_id: int, **fields) -> None:
    Report.objects.filter(pk=report_id).update(**fields)


@task()
def render_report(report_id: int) -> None:
    """Render a report's PDF in the background, showing progress on the report.

    A failure is recorded with its reason and leaves the report and any earlier file as they
    were. An approved report's final file is written once, with its SHA-256, and never again.
    """
    report = Report.objects.get(pk=report_id)
    if report.status == Report.Status.APPROVED and report.pdf_sha256:
        return
    _set(report_id, render_state=Report.Render.RUNNING, render_progress=10)
    try:
        pdf = render_pdf(report, progress=lambda p: _set(report_id, render_progress=p))
    except Exception as error:  # any failure of the layout engine is shown to the user
        log.exception("Rendering report %s failed", report_id)
        _set(
            report_id,
            render_state=Report.Render.FAILED,
            render_error=f"{type(error).__name__}: {error}"[:2000],
            render_progress=0,
        )
        return
    final = report.status == Report.Status.APPROVED
    kind = f"survey{report.survey_id}" if report.survey_id else report.kind
    name = f"{kind}-{report.period_start:%Y-%m-%d}-v{report.version}"
    name += ".pdf" if final else "-draft.pdf"
    old = report.pdf.name if report.pdf and not final else ""
    report.pdf.save(name, ContentFile(pdf), save=False)
    report.pdf_sha256 = sha256(pdf) if final else ""
    report.render_state = Report.Render.DONE
    report.render_progress = 100
    report.render_error = ""
    report.rendered_at = timezone.now()
    report.save(
        update_fields=[
            "pdf",
            "pdf_sha256",
            "render_state",
            "render_progress",
            "render_error",
            "rendered_at",
        ]
    )
    if old and old != report.pdf.name:
        report.pdf.storage.delete(old)
