"""Reports as PDF, with WeasyPrint, from the same section templates as the web page.

An approved report's PDF is archival: PDF/A-3a, with its frozen figures attached as a JSON
file. The public transparency report is tagged for screen readers in every state. Other
drafts are ordinary PDFs, tagged too.
"""

import contextlib
import hashlib
import json
import os
import tempfile
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import OperationalError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import Agency
from core.layout import Attachment, PdfOptions
from reports import layout
from reports.builders import LISTINGS, build_for, listed, narrative_fields
from reports.models import Report

# PostgreSQL's "canceling statement due to statement timeout".
QUERY_CANCELED = "57014"

# The approved file is the record that is kept. PDF/A-3 is the archival PDF that may carry
# other files (the figures, as data a program can read again); level "a" is PDF/A-3u (every
# character mapped to Unicode) with the structure tree a screen reader follows, and says so
# in the file's identification. WeasyPrint writes the tags, the XMP identification and the
# sRGB output intent from the profile it ships; the fonts are the vendored ones, embedded.
ARCHIVAL = "pdf/a-3a"
# The transparency report is published for anyone (002 300.8), so its drafts are tagged as
# PDF/UA-1 too: what the CRO and the Chief read before approval is the accessible kind.
ACCESSIBLE = "pdf/ua-1"
# A draft of any other report: an ordinary PDF, tagged as well. It is rendered in the
# background and tagging costs little (measured: 0-15% more CPU for the layout).
DRAFT = PdfOptions(tags=True)


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
        # Each listing's lines, or its summary when it is too long to print.
        "listings": listed(data, LISTINGS.get(report.kind, {})),
    }


def render_pdf(report: Report, progress=lambda percent: None, timeout=None, language=None) -> bytes:
    """The report's PDF, or RenderTimeout once `timeout` seconds (by default
    CRD_PDF_TIMEOUT_SECONDS) have passed: the queries behind it and the layout both stop.
    In `language` ("en", "es") if given, else the active one; the document says which."""
    limit = settings.CRD_PDF_TIMEOUT_SECONDS if timeout is None else timeout
    layout.start()
    deadline = time.monotonic() + limit
    in_language = translation.override(language) if language else contextlib.nullcontext()
    try:
        with _statement_timeout(limit), in_language:
            html = report_html(report)
            options = pdf_options(report)
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
            options=options,
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


def pdf_options(report: Report) -> PdfOptions:
    """What kind of PDF the report is written as (see ARCHIVAL, ACCESSIBLE, DRAFT)."""
    if report.status == Report.Status.APPROVED:
        return PdfOptions(variant=ARCHIVAL, attachments=(figures_file(report),))
    if report.kind == Report.Kind.TRANSPARENCY:
        return PdfOptions(variant=ACCESSIBLE)
    return DRAFT


def figures_file(report: Report) -> Attachment:
    """The approved report as data: its frozen figures, its narratives and which report it
    is, so that the figures can be read again by a program from the archived file alone."""
    identity = {
        "kind": report.kind,
        "survey": report.survey_id,
        "period_start": report.period_start,
        "period_end": report.period_end,
        "version": report.version,
        "submitted_at": timezone.localtime(report.submitted_at),
        "approved_at": timezone.localtime(report.decided_at),
    }
    if report.kind != Report.Kind.TRANSPARENCY:
        # The public report names nobody, its approver included (002 300.8).
        identity["approved_by"] = report.decided_by.display_name
    content = {
        "report": identity,
        "data": report.data,
        # Every line of the long listings, frozen beside the figures, which name their digest.
        "listings": {listing.key: listing.rows for listing in report.listings.all()},
        "narratives": report.narratives,
    }
    return Attachment(
        name=f"report-{report.kind}-{report.period_start:%Y-%m-%d}.json",
        content=json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode(),
        description=gettext("The figures and narratives of this report as approved (JSON)"),
        created=report.decided_at,
    )


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
