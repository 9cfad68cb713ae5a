"""Reports as PDF, with WeasyPrint, from the same section templates as the web page."""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Agency
from reports.builders import build_for, narrative_fields
from reports.models import Report


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
    }


def render_pdf(report: Report, progress=lambda percent: None) -> bytes:
    from weasyprint import HTML

    context = report_context(report)
    progress(30)
    agency = Agency.load()
    context.update(
        agency=agency,
        logo_url=agency.logo.path if agency.logo else "",
        final=report.status == Report.Status.APPROVED,
        rendered_at=timezone.localtime(),
    )
    html = render_to_string("reports/pdf/report.html", context)
    progress(50)
    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    progress(85)
    return document.write_pdf()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
