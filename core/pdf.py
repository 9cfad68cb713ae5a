"""The one way a page becomes a PDF: a template rendered to HTML, laid out by WeasyPrint.

Short documents (the dashboard, the roll-call briefing, a forum's sign-up sheet) are made
in the request with `render_pdf()`; a report, which can run long, is laid out in a process
of its own with a time limit (reports/layout.py), through the same `lay_out()`
(core/layout.py, which imports no Django code, so that process never starts Django). Every PDF
carries the agency's letterhead: callers pass `Agency.letterhead()` in the context. What
kind of PDF (ordinary, tagged for screen readers, archival PDF/A) is `PdfOptions`. Whatever
the HTML names, a layout loads only the static files and data URIs (core/layout.py).
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from core.layout import ORDINARY, PdfOptions, lay_out


def render_pdf(template_name: str, context: dict, options: PdfOptions = ORDINARY) -> bytes:
    html = render_to_string(template_name, context)
    return lay_out(html, base_url=str(settings.BASE_DIR), options=options).write_pdf()


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """Shown in the browser's viewer, saved under a name that says what and when."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
