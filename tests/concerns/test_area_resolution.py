"""Every door places a concern in an area by the one rule (accounts.areas.resolve, through
concerns.intake): the officer's intake with its picker, the public form, 311 and the
spreadsheet import; outreach's organizations and activities too (issue 22)."""

import datetime as dt
import re
import uuid
from urllib.parse import urlencode

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from concerns import open311
from concerns.models import Concern
from outreach.models import CommunityOrganization, OutreachActivity
from tests.accounts.areas_helpers import make_area
from tests.factories import AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(db):
    AgencyFactory()
    return {
        "beat": make_area("B3", "Beat 3"),
        "maple": make_area("MH", "Maple Heights", kind="neighbourhood"),
        "old": make_area("OM", "Old Mill", kind="neighbourhood", is_active=False),
    }


def intake(**overrides):
    data = {
        "date_received": timezone.localdate().isoformat(),
        "source_type": "citizen",
        "category": "traffic",
        "nature": "actual",
        "area": "Beat 3 (downtown)",
        "priority": "normal",
        "summary": "Cars speeding past the school",
        "description": "Speeding at school time.",
        "intake_token": str(uuid.uuid4()),
    }
    return {**data, **overrides}


def test_officer_intake_resolves_the_area_when_none_is_picked(client_for, officer, areas):
    client = client_for(officer)
    page = client.get(reverse("concerns:new")).content.decode()
    picker = page.split('name="defined_area"')[1].split("</select>")[0]
    assert "Work it out from where" in picker and "Maple Heights" in picker
    assert "Old Mill" not in picker  # inactive areas are offered for nothing new
    response = client.post(reverse("concerns:new"), intake())
    assert response.status_code == 302
    assert Concern.objects.get().defined_area == areas["beat"]


def test_officer_intake_keeps_the_area_the_officer_picked(client_for, officer, areas):
    client = client_for(officer)
    client.post(reverse("concerns:new"), intake(defined_area=areas["maple"].pk))
    assert Concern.objects.get().defined_area == areas["maple"]
    # An inactive area cannot be forged in.
    response = client.post(reverse("concerns:new"), intake(defined_area=areas["old"].pk))
    assert response.status_code == 200 and "defined_area" in response.context["form"].errors


def test_officer_intake_without_a_match_leaves_the_concern_not_placed(client_for, officer, areas):
    client_for(officer).post(reverse("concerns:new"), intake(area="400 block of Elm St"))
    assert Concern.objects.get().defined_area is None


def test_public_form_resolves_the_area(client, areas):
    data = {
        "category": "noise",
        "area": "maple heights, by the park",
        "summary": "Loud music at night",
        "description": "Music until 3 am.",
        "intake_token": str(uuid.uuid4()),
    }
    assert client.post(reverse("feedback"), data).status_code == 302
    assert Concern.objects.get().defined_area == areas["maple"]


def test_open311_resolves_the_area(cro, areas):
    _, key = open311.issue_key(by=cro, name="City 311 system")
    data = {
        "api_key": key,
        "service_code": "noise",
        "address_string": "Beat 3, 400 Elm St",
        "email": "jamie@example.org",
        "description": "Loud music every night until 3 am.",
    }
    response = Client().post(
        reverse("open311:requests", kwargs={"fmt": "json"}),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.defined_area == areas["beat"]
    # The public 311 answer still generalises the typed location, as before.
    assert concern.area == "Beat 3, 400 Elm St"


def test_spreadsheet_import_resolves_each_row(
    client_for, cro, areas, django_capture_on_commit_callbacks
):
    headers = ["date_received", "source_type", "category", "area", "description"]
    rows = [
        ["2021-07-01", "citizen", "traffic", "Beat 3 (downtown)", "Speeding."],
        ["2021-07-02", "citizen", "noise", "MAPLE HEIGHTS", "Music."],
        ["2021-07-03", "citizen", "noise", "Harbor Road", "Music."],
    ]
    file = SimpleUploadedFile(
        "old.csv", tablib.Dataset(*rows, headers=headers).export("csv").encode(), "text/csv"
    )
    client = client_for(cro)
    response = client.post(reverse("imports:home"), {"kind": "concerns", "file": file})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    data = {"action": "import"}
    for block in page.split("<select")[1:]:
        name = re.search(r'name="(map-[a-z_]+)"', block)
        chosen = re.search(r'<option value="([^"]*)" selected', block.split("</select>")[0])
        if name:
            data[name[1]] = chosen[1] if chosen else ""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, data)
    placed = dict(Concern.objects.values_list("date_received", "defined_area__code"))
    assert placed == {
        dt.date(2021, 7, 1): "B3",
        dt.date(2021, 7, 2): "MH",
        dt.date(2021, 7, 3): None,
    }


def test_a_concern_made_with_an_area_keeps_it_at_intake(areas):
    from concerns.intake import receive_many

    given = Concern(
        date_received=dt.date(2021, 1, 4),
        source_type="citizen",
        category="noise",
        area="Beat 3",
        description="x",
        defined_area=areas["maple"],
    )
    receive_many([given], lines=[[]])
    given.refresh_from_db()
    assert given.defined_area == areas["maple"]


def test_outreach_forms_resolve_or_keep_the_picked_area(client_for, cro, areas):
    client = client_for(cro)
    org = {"name": "Maple Watch", "kind": "neighborhood_watch", "area": "Maple Heights"}
    assert client.post(reverse("outreach:organization-new"), org).status_code == 302
    assert CommunityOrganization.objects.get().defined_area == areas["maple"]
    activity = {
        "date": timezone.localdate().isoformat(),
        "kind": "foot_patrol",
        "title": "Walk",
        "area": "Maple Heights",
        "defined_area": areas["beat"].pk,
        "attendance": 0,
        "staff_hours": "1",
        "materials_cost": "0",
        "officers": [cro.pk],
        # A foot patrol carries its times and who was told (002 §300.3(d)).
        "start_time": "18:00",
        "end_time": "19:30",
        "supervisor_notified": "on",
        "dispatch_notified_start": "on",
        "dispatch_notified_end": "on",
    }
    response = client.post(reverse("outreach:activity-new"), activity)
    assert response.status_code == 302, response.context["form"].errors
    assert OutreachActivity.objects.get().defined_area == areas["beat"]


def test_concern_list_filters_by_area_and_shows_it(client_for, cro, areas):
    ConcernFactory(area="Beat 3 (downtown)", defined_area=areas["beat"], summary="In the beat")
    ConcernFactory(area="Elm", summary="Nowhere yet")
    client = client_for(cro)
    page = client.get(reverse("concerns:list"), {"defined_area": areas["beat"].pk})
    assert [c.summary for c in page.context["page"].rows] == ["In the beat"]
    assert "Beat 3" in page.content.decode()
    page = client.get(reverse("concerns:list"), {"defined_area": "null"})
    assert [c.summary for c in page.context["page"].rows] == ["Nowhere yet"]
    assert "Not placed" in page.content.decode()


def test_concern_list_queries_do_not_grow_with_rows_or_areas(client_for, cro, areas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(cro)
    ConcernFactory(defined_area=areas["beat"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("concerns:list")).status_code == 200
        return len(queries)

    few = count()
    for i in range(20):
        ConcernFactory(defined_area=make_area(f"X{i}", f"Area {i}"))
    assert count() == few
