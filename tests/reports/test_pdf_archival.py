"""What is inside the report PDFs: an approved one is PDF/A-3a with its figures attached,
the public transparency report is tagged for screen readers in every state (read with
pypdf, as veraPDF is not at hand: the identification, the catalog, the structure tree)."""

import datetime as dt
import io
import json
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from core.decisions import Decision
from core.layout import Attachment, PdfOptions, lay_out
from reports import services
from reports.models import Report
from reports.pdf import render_pdf
from tests.factories import ActivityFactory, AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db
CHICAGO = ZoneInfo("America/Chicago")
PDFA = "{http://www.aiim.org/pdfa/ns/id/}"
PDFUA = "{http://www.aiim.org/pdfua/ns/id/}"


def approved(kind, day, *, cro, chief, capture, narratives):
    report = services.generate_report(kind=kind, day=day, by=cro)
    services.save_narratives(report=report, by=cro, narratives=narratives)
    services.submit_report(report=report, by=cro, late_reason="Testing.")
    with capture(execute=True):
        services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    report.refresh_from_db()
    assert report.render_state == "done", report.render_error
    return report


def stored(report) -> PdfReader:
    with report.pdf.open("rb") as f:
        return PdfReader(io.BytesIO(f.read()))


def identification(reader) -> dict:
    """The PDF/A and PDF/UA parts and conformance the XMP metadata declares."""
    catalog = reader.trailer["/Root"]
    if "/Metadata" not in catalog:
        return {}
    # The metadata of a file the test has just made, not untrusted input.
    root = ElementTree.fromstring(catalog["/Metadata"].get_object().get_data())  # noqa: S314
    found = {}
    for element in root.iter():
        for key, value in element.attrib.items():
            if key.startswith((PDFA, PDFUA)):
                found[key.replace(PDFA, "pdfaid:").replace(PDFUA, "pdfuaid:")] = value
        if element.tag.startswith((PDFA, PDFUA)):
            found[element.tag.replace(PDFA, "pdfaid:").replace(PDFUA, "pdfuaid:")] = element.text
    return found


def structure(reader) -> list:
    """The structure elements in reading order, from the catalog's /StructTreeRoot."""
    found = []

    def walk(node):
        node = node.get_object()
        if not hasattr(node, "get"):
            return  # a marked-content id
        if "/S" in node:
            found.append(node)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def kinds(elements) -> list[str]:
    return [e["/S"] for e in elements]


def heading_levels(elements) -> list[int]:
    return [int(s[2]) for s in kinds(elements) if s in ("/H1", "/H2", "/H3", "/H4")]


def embedded(reader) -> dict:
    """Name to (file specification, bytes) of the files the catalog lists as associated."""
    files = {}
    for spec in reader.trailer["/Root"].get("/AF", []):
        spec = spec.get_object()
        files[spec["/UF"]] = (spec, spec["/EF"]["/F"].get_object().get_data())
    return files


def assert_archival(reader, conformance: str) -> None:
    assert identification(reader)["pdfaid:part"] == "3"
    assert identification(reader)["pdfaid:conformance"] == conformance
    (intent,) = reader.trailer["/Root"]["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intent.get_object()  # the sRGB profile WeasyPrint ships


def assert_tagged(reader, language: str) -> list:
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True  # the title, not a name
    elements = structure(reader)
    levels = heading_levels(elements)
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    for needed in ("/H2", "/Table", "/TH", "/TD"):
        assert needed in kinds(elements), needed
    # A data cell says which header cells it falls under.
    assert any(e.get("/A", {}).get("/Headers") for e in elements if e["/S"] == "/TD")
    return elements


@pytest.fixture
def september(officer):
    with time_machine.travel(dt.datetime(2026, 10, 5, 10, 0, tzinfo=CHICAGO), tick=False):
        for day, category in ((1, "traffic"), (15, "noise"), (30, "traffic")):
            ConcernFactory(
                date_received=dt.date(2026, 9, day), category=category, reported_by=officer
            )
        ActivityFactory(date=dt.date(2026, 9, 10), kind="forum", logged_by=officer)
        yield


def test_approved_pdf_is_pdfa_3a_with_its_figures_attached(
    september, cro, chief, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    report = approved(
        "monthly",
        dt.date(2026, 9, 1),
        cro=cro,
        chief=chief,
        capture=django_capture_on_commit_callbacks,
        narratives={"summary": "Traffic leads; noise is new."},
    )
    reader = stored(report)
    assert_archival(reader, "A")
    assert "pdfuaid:part" not in identification(reader)
    assert_tagged(reader, "en")
    ((name, (spec, content)),) = embedded(reader).items()
    assert name == "report-monthly-2026-09-01.json"
    assert spec["/AFRelationship"] == "/Data" and spec["/Desc"]
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/json"
    assert reader.attachments[name] == [content]  # also in the catalog's /EmbeddedFiles
    figures = json.loads(content)
    assert figures["data"] == report.data and figures["data"]["received"] == 3
    assert figures["narratives"] == {"summary": "Traffic leads; noise is new."}
    assert figures["report"] == {
        "kind": "monthly",
        "survey": None,
        "period_start": "2026-09-01",
        "period_end": "2026-09-30",
        "version": 1,
        "submitted_at": "2026-10-05T10:00:00-05:00",
        "approved_at": "2026-10-05T10:00:00-05:00",
        "approved_by": chief.display_name,
    }
    # The frozen figures are read from the report itself: the agency, the approver and the
    # frozen lines of its long listings are all a render asks for (with the statement time
    # limit around them).
    fresh = Report.objects.get(pk=report.pk)
    with django_assert_max_num_queries(6):
        again = render_pdf(fresh)
    assert json.loads(embedded(PdfReader(io.BytesIO(again)))[name][1]) == figures


def test_transparency_pdf_once_approved_is_tagged_archival_and_names_nobody(
    officer, cro, chief, django_capture_on_commit_callbacks
):
    agency = AgencyFactory()
    logo = io.BytesIO()
    Image.new("RGB", (40, 40), "#0f2a4a").save(logo, "PNG")
    agency.logo.save("logo.png", ContentFile(logo.getvalue()))
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, 30, tzinfo=CHICAGO), tick=False):
        for day in range(1, 7):
            ConcernFactory(date_received=dt.date(2025, 3, day), reported_by=officer)
        report = approved(
            "transparency",
            dt.date(2025, 1, 1),
            cro=cro,
            chief=chief,
            capture=django_capture_on_commit_callbacks,
            narratives={"introduction": "What residents told us this year."},
        )
    reader = stored(report)
    assert_archival(reader, "A")
    elements = assert_tagged(reader, "en")
    # The one picture, the logo, says what it shows.
    assert [e["/Alt"] for e in elements if e["/S"] == "/Figure"] == [agency.name]
    (image,) = reader.pages[0]["/Resources"]["/XObject"].values()
    assert image.get_object()["/Interpolate"].value is False  # PDF/A forbids smoothing
    assert reader.metadata.title == "Public transparency report, 2025"
    ((name, (_, content)),) = embedded(reader).items()
    assert name == "report-transparency-2025-01-01.json"
    figures = json.loads(content)
    assert figures["data"] == report.data and figures["data"]["received"] == 6
    assert "approved_by" not in figures["report"]
    for person in (chief, cro, officer):
        assert person.display_name.encode() not in content
        assert person.last_name.encode() not in content


def test_transparency_draft_is_pdf_ua_in_the_language_asked(cro):
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, 30, tzinfo=CHICAGO), tick=False):
        ConcernFactory(date_received=dt.date(2025, 6, 1), category="noise")
        report = services.generate_report(kind="transparency", day=dt.date(2025, 1, 1), by=cro)
        spanish = PdfReader(io.BytesIO(render_pdf(report, language="es")))
        english = PdfReader(io.BytesIO(render_pdf(report)))  # the signature others call
    for reader, language in ((spanish, "es"), (english, "en")):
        assert identification(reader) == {"pdfuaid:part": "1"}  # accessible, not archival
        assert_tagged(reader, language)
        assert reader.metadata.title.endswith(", 2025")
        assert "/AF" not in reader.trailer["/Root"] and not reader.attachments
    # Rendered in Spanish, not only labelled so (the suppressed counts are built in it too).
    assert "menos de 5" in spanish.pages[0].extract_text()


def test_other_drafts_are_ordinary_pdfs_tagged(september, cro):
    report = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    reader = PdfReader(io.BytesIO(render_pdf(report)))
    assert identification(reader) == {}
    assert "/OutputIntents" not in reader.trailer["/Root"] and not reader.attachments
    assert_tagged(reader, "en")
    assert "DRAFT, not approved" in reader.pages[0].extract_text()


def test_layout_writes_the_variant_and_attachments_it_is_given():
    made = dt.datetime(2026, 10, 5, 10, 0, tzinfo=CHICAGO)
    options = PdfOptions(
        variant="pdf/a-3b",
        attachments=(
            Attachment(name="a.json", content=b'{"n": 1}', description="N", created=made),
        ),
    )
    html = '<html lang="en"><title>T</title><h1>T</h1></html>'
    reader = PdfReader(io.BytesIO(lay_out(html, base_url=".", options=options).write_pdf()))
    assert identification(reader) == {"pdfaid:part": "3", "pdfaid:conformance": "B"}
    assert "/StructTreeRoot" not in reader.trailer["/Root"]  # level B: not tagged
    ((spec, content),) = embedded(reader).values()
    assert content == b'{"n": 1}' and spec["/Desc"] == "N"
    # The moment the file was made, in UTC as the PDF says.
    params = spec["/EF"]["/F"].get_object()["/Params"]
    assert params["/CreationDate"] == "D:20261005150000Z"
