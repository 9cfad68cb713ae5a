"""Every file a page hands out is in the audit trail (issue 21, finding 7): the accreditation
ZIP, calendar feeds (with whose feed it was, never the secret link), the stored pictures
and the import templates, besides the PDFs and CSVs recorded before."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from accounts.models import Agency
from audit.models import AuditEvent
from desk.calendar import create_feed
from tests.factories import AgencyFactory, ConcernFactory, MaterialFactory
from tests.reports.test_yearly import approved

pytestmark = pytest.mark.django_db
A = AuditEvent.Action


def exports():
    return list(AuditEvent.objects.filter(action=A.EXPORT).order_by("id"))


def test_the_accreditation_zip_is_recorded_with_its_reports(
    client_for, cro, chief, officer, django_capture_on_commit_callbacks
):
    ConcernFactory(date_received=dt.date(2026, 9, 3), reported_by=officer)
    approved("monthly", dt.date(2026, 9, 1), cro, chief, django_capture_on_commit_callbacks)
    assert exports() == []  # the render and the approval download nothing
    response = client_for(chief).get(
        reverse("reports:archive") + "?date_from=2026-01-01&date_to=2026-12-31"
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    (event,) = exports()
    assert event.actor_id == chief.pk
    assert event.detail == (
        "ZIP community-relations-reports-20260101-20261231.zip (1 approved reports)"
    )
    assert event.path.startswith("GET /reports/")


def test_a_refused_zip_records_nothing(client_for, officer):
    response = client_for(officer).get(
        reverse("reports:archive") + "?date_from=2026-01-01&date_to=2026-12-31"
    )
    assert response.status_code == 403
    assert exports() == []


def test_a_calendar_feed_fetch_names_whose_feed_and_never_the_link(cro):
    AgencyFactory()
    _, token = create_feed(by=cro)
    client = Client()  # a calendar app: no session
    response = client.get(reverse("calendar:feed", args=[token]))
    assert response.status_code == 200
    (event,) = exports()
    assert event.actor_id is None
    assert event.detail == "Calendar community-relations.ics feed of t-cro"
    assert event.path == "GET /calendar/(secret link).ics"
    # Nothing in the trail holds the secret, not even the row change of `last_used_at`.
    for row in AuditEvent.objects.all():
        assert token not in f"{row.path} {row.detail} {row.changes}"


def test_an_unknown_feed_link_records_no_download(cro):
    assert Client().get(reverse("calendar:feed", args=["x" * 40])).status_code == 404
    assert exports() == []


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "#123456").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_material_design_download_is_recorded(client_for, cro):
    material = MaterialFactory()
    response = client_for(cro).get(reverse("outreach:material-design", args=[material.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    (event,) = exports()
    assert event.actor_id == cro.pk
    assert event.detail == f"Image design-{material.pk}.png"


def test_the_agency_logo_is_recorded(client_for, cro):
    agency = Agency.load()
    agency.logo.save("logo.png", ContentFile(png()))
    response = client_for(cro).get(reverse("accounts:agency-logo"))
    assert response.status_code == 200
    (event,) = exports()
    assert event.actor_id == cro.pk
    assert event.detail.startswith("Image ") and event.detail.endswith(".png")


@pytest.mark.parametrize(("extension", "kind"), [("xlsx", "Excel"), ("csv", "CSV")])
def test_an_import_template_is_recorded(client_for, cro, extension, kind):
    response = client_for(cro).get(
        reverse("imports:template", kwargs={"kind": "concerns", "extension": extension})
    )
    assert response.status_code == 200
    (event,) = exports()
    assert event.detail == f"{kind} concerns-template.{extension}"
