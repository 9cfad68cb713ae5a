"""What a PDF may load (issue 21, finding 10): the static files and data URIs, nothing else.
A template that slipped and named `file:///etc/passwd` or an address on the network renders
without reading or fetching it; the ordinary PDFs keep their logo and fonts."""

import base64
import contextlib
import datetime as dt
import io
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from core.layout import lay_out, static_only_fetcher, static_roots
from reports import services
from reports.pdf import render_pdf
from tests.factories import AgencyFactory, ConcernFactory

CHICAGO = ZoneInfo("America/Chicago")
FONT = "static/vendor/source-sans-3-5.3.1/source-sans-3-latin-400-normal.woff"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#c00000").save(buffer, "PNG")
    return buffer.getvalue()


def images(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    count = 0
    for page in reader.pages:
        objects = page.get("/Resources", {}).get("/XObject", {})
        count += sum(1 for o in objects.values() if o.get_object()["/Subtype"] == "/Image")
    return count


def fonts(pdf: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


@pytest.fixture
def recorder():
    """A local HTTP server that answers a picture and a stylesheet and notes every hit."""
    hits = []
    picture = png()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server name
            hits.append(self.path)
            body, kind = (
                (b"body{color:red}", "text/css") if ".css" in self.path else (picture, "image/png")
            )
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def slipped_html(base: str, local_png: str) -> str:
    """What a template might produce if escaping slipped: a local file and remote resources."""
    return (
        "<html><head>"
        f'<link rel="stylesheet" href="{base}/evil.css">'
        f'<style>@import url("{base}/imported.css");</style>'
        "</head><body><p>Text</p>"
        f'<img src="file://{local_png}">'
        f'<img src="{base}/tracker.png">'
        '<img src="file:///etc/passwd">'
        "</body></html>"
    )


def test_a_slipped_template_reads_no_file_and_fetches_nothing(recorder, tmp_path):
    base, hits = recorder
    secret = tmp_path / "outside.png"
    secret.write_bytes(png())
    html = slipped_html(base, str(secret))
    # WeasyPrint's own fetcher reads the file and calls the server: the case is real.
    from weasyprint import HTML

    unguarded = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    assert images(unguarded) == 2 and len(hits) == 3
    hits.clear()

    pdf = lay_out(html, base_url=str(settings.BASE_DIR)).write_pdf()  # every PDF's path
    assert hits == []
    assert images(pdf) == 0

    fetcher = static_only_fetcher(static_roots(str(settings.BASE_DIR)))
    lay_out(html, base_url=str(settings.BASE_DIR), fetcher=fetcher).write_pdf()
    assert set(fetcher.refused) == {
        f"{base}/evil.css",
        f"{base}/imported.css",
        f"file://{secret}",
        f"{base}/tracker.png",
        "file:///etc/passwd",
    }
    assert hits == []


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file://localhost/etc/passwd",
        "file://other-host/static/css/app.css",
        "file:///{base}/static/../config/settings.py",
        "file:///{base}/static/%2e%2e/config/settings.py",
        "file:///{base}/static",  # a folder, not a file
        "http://127.0.0.1:9/x.png",
        "https://example.org/font.woff",
        "ftp://example.org/x",
        "javascript:alert(1)",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url):
    fetcher = static_only_fetcher(static_roots(str(settings.BASE_DIR)))
    url = url.replace("/{base}", str(settings.BASE_DIR))
    with pytest.raises(Exception, match="only the static files|disallowed"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_a_link_out_of_the_static_folder_is_refused(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p{}")
    os.symlink("/etc/passwd", root / "linked.css")
    fetcher = static_only_fetcher([str(root)])
    with contextlib.closing(fetcher.fetch(f"file://{root}/ok.css")) as ok:
        assert ok.read() == b"p{}"
    with pytest.raises(Exception, match="only the static files"):
        fetcher.fetch(f"file://{root}/linked.css")


def test_static_files_and_data_uris_are_served():
    fetcher = static_only_fetcher(static_roots(str(settings.BASE_DIR)))
    with contextlib.closing(fetcher.fetch(f"file://{settings.BASE_DIR}/{FONT}")) as font:
        assert font.read(4) == b"wOFF"
    inline = "data:image/png;base64," + base64.b64encode(png()).decode()
    with contextlib.closing(fetcher.fetch(inline)) as picture:
        assert picture.read(4) == b"\x89PNG"
    assert fetcher.refused == []


@pytest.mark.django_db
def test_the_report_pdf_keeps_its_logo_and_fonts(cro):
    agency = AgencyFactory()
    agency.logo.save("logo.png", ContentFile(png()))
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, 30, tzinfo=CHICAGO), tick=False):
        ConcernFactory(date_received=dt.date(2025, 6, 1), category="noise")
        report = services.generate_report(kind="transparency", day=dt.date(2025, 1, 1), by=cro)
        pdf = render_pdf(report)  # laid out in the child process
    assert images(pdf) == 1  # the logo
    assert any("Source" in f for f in fonts(pdf))


@pytest.mark.django_db
def test_the_dashboard_pdf_keeps_its_logo_and_fonts(client_for, cro):
    agency = AgencyFactory()
    agency.logo.save("logo.png", ContentFile(png()))
    response = client_for(cro).get(reverse("dashboard-pdf"))
    assert response.status_code == 200
    assert images(response.content) == 1
    assert any("Source" in f for f in fonts(response.content))
