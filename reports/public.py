"""The Spanish PDF of an approved transparency report (002 300.8, published in English and
Spanish): rendered in the background once the Chief approves, stored beside the English
file with its own SHA-256, and never rendered again.

Like reports.tasks.render_report, nothing on the report changes until the file is whole:
it is stored under a new name, then the report is pointed at it in one UPDATE that applies
only while the report is approved and has no Spanish file yet. A failure leaves the report
as it was; the report's page then offers to render it again
(reports.services.request_spanish_pdf).
"""

import logging

from django_tasks import task

from core.queues import DOCUMENTS
from reports.models import Report
from reports.pdf import render_pdf, sha256, store_pdf

log = logging.getLogger(__name__)


@task(queue_name=DOCUMENTS)
def render_spanish_pdf(report_id: int) -> None:
    report = Report.objects.get(pk=report_id)
    if not _wanted(report):
        return
    try:
        pdf = render_pdf(report, language="es")
    except Exception:  # the page offers to try again; the English file is unaffected
        log.exception("Rendering the Spanish PDF of report %s failed", report_id)
        return
    name = f"{report.kind}-{report.period_start:%Y-%m-%d}-v{report.version}-es.pdf"
    storage = report.pdf_es.storage
    stored = store_pdf(storage, report.pdf_es.field.generate_filename(report, name), pdf)
    done = Report.objects.filter(
        pk=report_id, status=Report.Status.APPROVED, pdf_es_sha256=""
    ).update(pdf_es=stored, pdf_es_sha256=sha256(pdf))
    if not done:  # rendered twice at once: the first file stored stands
        storage.delete(stored)


def _wanted(report: Report) -> bool:
    return (
        report.kind == Report.Kind.TRANSPARENCY
        and report.status == Report.Status.APPROVED
        and not report.pdf_es_sha256
    )
