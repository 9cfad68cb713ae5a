"""The agency's logo and the report PDFs on object storage (moto's S3 server, through
django-storages): the logo uploaded on the agency page is an object in the bucket, every
PDF rendered meanwhile carries it, the approved PDF is stored in the bucket, and the
download hands out exactly the file whose SHA-256 was recorded at approval."""

import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from accounts.models import Agency
from reports import services
from reports.pdf import render_pdf
from tests.factories import AgencyFactory, ConcernFactory
from tests.reports.test_pdf_archival import approved
from tests.storage.conftest import BUCKET, keys

pytestmark = pytest.mark.django_db
QUARTER_DAY = dt.date(2025, 8, 1)
SEAL_COLOUR = (15, 42, 74)


def seal_png() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (40, 40), SEAL_COLOUR).save(image, "PNG")
    return image.getvalue()


def upload_logo(client, png: bytes):
    agency = Agency.load()
    data = {
        "name": agency.name,
        "monthly_due_day": 5,
        "quarterly_due_days": 20,
        "semi_annual_due_days": 30,
        "annual_due_days": 31,
        "logo": SimpleUploadedFile("seal.png", png, content_type="image/png"),
    }
    return client.post(reverse("accounts:agency"), data)


def pictures(pdf: bytes) -> list[Image.Image]:
    return [picture.image for page in PdfReader(io.BytesIO(pdf)).pages for picture in page.images]


def files_under_media_root() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_the_logo_lands_in_the_bucket_and_every_pdf_carries_it(
    s3_storage, s3_server, client_for, cro, chief, officer, django_capture_on_commit_callbacks
):
    _, client = s3_server
    AgencyFactory()
    png = seal_png()
    assert upload_logo(client_for(cro), png).status_code == 302
    name = Agency.load().logo.name
    assert keys(client) == [name] and name.startswith("agency/")
    assert client.get_object(Bucket=BUCKET, Key=name)["Body"].read() == png

    for day in range(1, 4):
        ConcernFactory(date_received=QUARTER_DAY + dt.timedelta(days=day), reported_by=officer)
    report = approved(
        "quarterly",
        QUARTER_DAY,
        cro=cro,
        chief=chief,
        capture=django_capture_on_commit_callbacks,
        narratives={"current": "Traffic leads."},
    )
    # The approved PDF is an object in the bucket, beside the logo, and nothing is on disk.
    assert report.pdf.name.startswith("reports/")
    assert keys(client) == sorted([name, report.pdf.name])
    assert files_under_media_root() == []
    stored = client.get_object(Bucket=BUCKET, Key=report.pdf.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == report.pdf_sha256

    # Its pictures (the letterhead's, on each page) are the logo read from the bucket.
    found = pictures(stored)
    assert found
    for logo in found:
        assert logo.size == (40, 40)
        assert logo.convert("RGB").getcolors() == [(40 * 40, SEAL_COLOUR)]

    # The download hands out the very file recorded at approval.
    response = client_for(chief).get(reverse("reports:pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == report.pdf_sha256

    # The logo comes from the bucket: once its object is gone, a new render has no picture.
    client.delete_object(Bucket=BUCKET, Key=name)
    assert pictures(render_pdf(report)) == []


def test_a_draft_rendered_in_the_background_is_stored_in_the_bucket(
    s3_storage, s3_server, cro, django_capture_on_commit_callbacks
):
    _, client = s3_server
    AgencyFactory()
    report = services.generate_report(kind="quarterly", day=QUARTER_DAY, by=cro)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(report=report, by=cro)
    report.refresh_from_db()
    assert report.render_state == "done", report.render_error
    assert keys(client) == [report.pdf.name]
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert files_under_media_root() == []
