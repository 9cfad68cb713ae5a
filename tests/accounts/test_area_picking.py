"""Area pick-lists read each area's code and name, never its boundary (issue 26, sixth
step): a department's beats traced from its map hold thousands of points each, and every
page with an area filter or picker listed them all."""

import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Area
from concerns.forms import DetailsForm
from tests.accounts.areas_helpers import make_area, square
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db


def traced(points: int = 2_000) -> dict:
    """A boundary as a map exports it: a ring of many points."""
    steps = [2 * math.pi * i / points for i in range(points)]
    ring = [[-88.1 + 0.01 * math.cos(a), 41.6 + 0.01 * math.sin(a)] for a in steps]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def area_reads(sql_list) -> list[str]:
    return [sql for sql in sql_list if 'FROM "accounts_area"' in sql]


def test_for_picking_reads_code_and_name_by_name():
    make_area("B2", "Riverside", boundary=square())
    make_area("B1", "Maple Heights", boundary=square(west=-88.0))
    with CaptureQueriesContext(connection) as queries:
        areas = list(Area.objects.for_picking())
    sql = queries.captured_queries[0]["sql"]
    assert '"boundary"' not in sql and '"code"' in sql and '"name"' in sql
    assert [a.label for a in areas] == ["B1 · Maple Heights", "B2 · Riverside"]


@pytest.mark.parametrize(
    ("who", "url_name"),
    [
        ("cro", "concerns:list"),
        ("officer", "concerns:new"),
        ("cro", "outreach:activity-new"),
        ("cro", "outreach:organization-new"),
        ("cro", "accounts:area-new"),
    ],
)
def test_pages_with_an_area_picker_read_no_boundary(request, client_for, who, url_name):
    make_area("S1", "North Sector", kind="sector", boundary=traced())
    make_area("B7", "Old Mill", boundary=traced())
    client = client_for(request.getfixturevalue(who))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse(url_name))
    assert page.status_code == 200
    # The pick-list reads every area; a page's map may read the outlines of a few it names.
    listed = [
        sql
        for sql in area_reads(q["sql"] for q in queries.captured_queries)
        if '"accounts_area"."id" IN (' not in sql
    ]
    assert listed, "the page lists the areas"
    assert not [sql for sql in listed if '"boundary"' in sql]
    assert "North Sector" in page.content.decode()


def test_the_details_form_keeps_a_deactivated_area_without_its_boundary():
    old = make_area("B9", "Closed Beat", boundary=traced(), is_active=False)
    make_area("B1", "Open Beat", boundary=traced())
    make_area("B5", "Gone Beat", boundary=traced(), is_active=False)
    concern = ConcernFactory(defined_area=old)
    with CaptureQueriesContext(connection) as queries:
        form = DetailsForm(concern=concern)
        options = [str(label) for _value, label in form.fields["defined_area"].choices]
    assert options[1:] == ["B9 · Closed Beat", "B1 · Open Beat"]
    reads = area_reads(q["sql"] for q in queries.captured_queries)
    assert reads and not [sql for sql in reads if '"boundary"' in sql]


def test_the_areas_page_says_which_are_drawn_without_reading_a_boundary(cro, client_for):
    sector = make_area("S1", "North Sector", kind="sector", boundary=traced())
    make_area("B1", "Drawn Beat", boundary=traced(), parent=sector)
    make_area("B2", "Undrawn Beat", parent=sector)
    client = client_for(cro)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:areas"))
    reads = area_reads(q["sql"] for q in queries.captured_queries)
    assert reads and not [sql for sql in reads if '"boundary"' in sql]
    rows = {
        name: row
        for row in page.content.decode().split("<tr>")[1:]
        for name in ("North Sector", "Drawn Beat", "Undrawn Beat")
        if f">{name}</a>" in row
    }
    assert "Drawn" in rows["North Sector"] and "Drawn" in rows["Drawn Beat"]
    assert "None" in rows["Undrawn Beat"] and ">Drawn<" not in rows["Undrawn Beat"]


def test_the_concern_page_draws_its_area_without_reading_the_boundary_again(cro, client_for):
    beat = make_area("B4", "Harbor Beat", boundary=traced())
    concern = ConcernFactory(defined_area=beat)
    client = client_for(cro)
    url = reverse("concerns:detail", args=[concern.reference])
    client.get(url)  # the process keeps the simplified outline (accounts/maps.py)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert not [
        q for q in area_reads(q["sql"] for q in queries.captured_queries) if "boundary" in q
    ]
    text = page.content.decode()
    assert "B4 · Harbor Beat" in text and "<svg" in text
