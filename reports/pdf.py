"""Reports as PDF, with WeasyPrint, from the same section templates as the web page."""

import contextlib
import hashlib
import os
import tempfile
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Agency
from reports import layout
from reports.builders import LISTING_LIMIT, build_for, narrative_fields
from reports.models import Report

# PostgreSQL's "canceling statement due to statement timeout".
QUERY_CANCELED = "57014"


class RenderTimeout(Exception):
    """The render ran past CRD_PDF_TIMEOUT_SECONDS and was stopped."""


def report_context(report: Report) -> dict:
    """What every rendering of the report (page or PDF) shows: frozen figures once
    submitted, live ones while a draft."""
    data = report.data if report.data is not None else build_for(report)
    return {
        "report": report,
        "data": data,
        "narratives": [
            (key, heading, report.narratives.get(key, ""))
            for key, heading in narrative_fields(report.kind, data)
        ],
        "objective_rows": [
            (o, report.narratives.get(f"objective_{o['position']}", ""))
            for o in data.get("objectives", [])
        ],
        "section_template": f"reports/sections/_{report.kind}.html",
        "listing_limit": LISTING_LIMIT,
    }


def render_pdf(report: Report, progress=lambda percent: None, timeout=None) -> bytes:
    """The report's PDF, or RenderTimeout once `timeout` seconds (by default
    CRD_PDF_TIMEOUT_SECONDS) have passed: the queries behind it and the layout both stop."""
    limit = settings.CRD_PDF_TIMEOUT_SECONDS if timeout is None else timeout
    deadline = time.monotonic() + limit
    try:
        with _statement_timeout(limit):
            html = report_html(report)
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED:
            raise RenderTimeout from error
        raise
    progress(50)
    try:
        return layout.write_pdf(
            html,
            base_url=str(settings.BASE_DIR),
            timeout=deadline - time.monotonic(),
            progress=progress,
        )
    except layout.LayoutTimeout:
        raise RenderTimeout from None


def report_html(report: Report) -> str:
    """The HTML the PDF is laid out from."""
    context = report_context(report)
    context.update(
        Agency.load().letterhead(),
        final=report.status == Report.Status.APPROVED,
        rendered_at=timezone.localtime(),
        for_pdf=True,
    )
    return render_to_string("reports/pdf/report.html", context)


@contextlib.contextmanager
def _statement_timeout(seconds: float):
    """No query of the render runs longer than the render may take."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL statement_timeout = %s", [max(int(seconds * 1000), 1)])
        yield


def store_pdf(storage, name: str, content: bytes) -> str:
    """Store the file under a new name and return it. On disk it is written in full under a
    temporary name in the same folder, flushed, then linked to its final name in one step:
    a render stopped at any moment leaves no partial file under a name anything points to.
    (An object store writes an object whole by itself.)"""
    try:
        storage.path(name)
    except NotImplementedError:
        return storage.save(name, ContentFile(content))
    while True:
        name = storage.get_available_name(name)
        path = storage.path(name)
        folder = os.path.dirname(path)
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".render-", delete=False) as part:
            part.write(content)
            part.flush()
            os.fsync(part.fileno())
        try:
            os.chmod(part.name, getattr(storage, "file_permissions_mode", None) or 0o644)
            # link() refuses an existing name: a file another render stored meanwhile is
            # never replaced; try the next free name.
            os.link(part.name, path)
        except FileExistsError:
            continue
        finally:
            os.unlink(part.name)
        return name


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
