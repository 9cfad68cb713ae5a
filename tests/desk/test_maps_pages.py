"""Maps on the pages (issue 22): each page shows its map to every role that sees the page,
the others get what the page already gives them; the area counts of the dashboard and of
the quarterly report equal a plain SQL count by area; the public page withholds small
counts and never carries a point; the queries do not grow with the rows."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concerns.models import Concern
from core.decisions import Decision
from core.roles import Role
from desk.dashboard import Period
from desk.dashboard_areas import open_by_area
from reports import services
from reports.builders import build
from reports.models import Report
from tests.accounts.test_maps import make_town
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db

SVG_MAP = re.compile(r'<svg class="area-map" role="img"')


def _sql_by_area(where: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT defined_area_id, count(*) FROM {Concern._meta.db_table} "  # noqa: S608
            f"WHERE duplicate_of_id IS NULL AND {where} GROUP BY defined_area_id",
            params,
        )
        return dict(cursor.fetchall())


def _merge(duplicate, lead):
    """A merged duplicate as the merge leaves it (the merge service has its own tests)."""
    Concern.objects.filter(pk=duplicate.pk).update(duplicate_of=lead, merged_at=timezone.now())


@pytest.fixture
def town(officer):
    sector, west, east, hood = make_town()
    today = timezone.localdate()
    for _ in range(3):
        ConcernFactory(
            defined_area=west,
            latitude=41.55,
            longitude=-88.15,
            location_source="map",
            reported_by=officer,
        )
    lead = ConcernFactory(defined_area=east, date_received=today - dt.timedelta(days=1))
    _merge(ConcernFactory(defined_area=east), lead)
    ConcernFactory(defined_area=hood, status="resolved", resolved_at=timezone.now())
    ConcernFactory(defined_area=None, area="Somewhere unknown")
    return {"sector": sector, "west": west, "east": east, "hood": hood}


# --- The dashboard ---


@pytest.mark.parametrize(
    "persona,shown", [("chief", True), ("cro", True), ("supervisor", False), ("officer", False)]
)
def test_dashboard_map_for_the_roles_that_see_the_dashboard(
    client_for, personas, town, persona, shown
):
    html = client_for(personas[persona]).get("/").content.decode()
    assert bool(SVG_MAP.search(html)) is shown
    if shown:
        assert "Open concerns by area, and new concerns against the period before" in html


def test_dashboard_pdf_carries_the_map_and_its_figures(client_for, chief, town):
    response = client_for(chief).get(reverse("dashboard-pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Open concerns by area" in text
    assert "B1 · West beat 3" in text  # the figures beside the map, for a reader


@pytest.mark.parametrize("persona", ["supervisor", "officer", "training_officer"])
def test_dashboard_pdf_still_refused_to_other_roles(client_for, personas, persona):
    assert client_for(personas[persona]).get(reverse("dashboard-pdf")).status_code == 403


def test_dashboard_open_by_area_equals_the_sql(town):
    today = timezone.localdate()
    period = Period("month", today.replace(day=1), today)
    figure = open_by_area(period)
    expected = _sql_by_area("status <> 'resolved'", [])
    got = {r["id"]: r["n"] for r in figure["rows"]}
    if figure["not_placed"]:
        got[None] = figure["not_placed"]
    assert got == expected
    assert expected[town["east"].pk] == 1  # the merged duplicate counted once, through its lead
    by_area = {r["area"]: r for r in figure["change"]}
    prev_start, prev_end = period.previous
    new = _sql_by_area("date_received BETWEEN %s AND %s", [period.start, period.end])
    before = _sql_by_area("date_received BETWEEN %s AND %s", [prev_start, prev_end])
    for area in (town["west"], town["east"]):
        row = by_area[f"{area.code} · {area.name}"]
        assert row["this"] == new.get(area.pk, 0)
        assert row["previous"] == before.get(area.pk, 0)
        assert row["change"] == row["this"] - row["previous"]


def test_dashboard_map_queries_do_not_grow(town, django_assert_max_num_queries):
    today = timezone.localdate()
    period = Period("month", today.replace(day=1), today)
    open_by_area(period)  # the boundaries read once into the process's store
    with django_assert_max_num_queries(5) as small:
        open_by_area(period)
    officer = UserFactory(roles=[Role.OFFICER])
    Concern.objects.bulk_create(
        Concern(
            reference=f"CR-2096-{i:05d}",
            date_received=today,
            source_type="citizen",
            category="traffic",
            defined_area=town["west"] if i % 2 else town["east"],
            description="x",
            reported_by=officer,
        )
        for i in range(300)
    )
    with django_assert_max_num_queries(5) as large:
        open_by_area(period)
    assert len(small.captured_queries) == len(large.captured_queries)


# --- The concern list ---


def test_list_links_to_its_map_and_the_fragment_draws_it(client_for, chief, town):
    client = client_for(chief)
    html = client.get(reverse("concerns:list"), {"category": "traffic"}).content.decode()
    assert 'data-map-fragment="/concerns/map/?category=traffic&amp;fragment=1"' in html
    fragment = client.get(reverse("concerns:map"), {"category": "traffic", "fragment": "1"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and SVG_MAP.search(body)
    assert "<html" not in body  # a fragment, not a page
    assert body.count('class="map-point"') == 3
    page = client.get(reverse("concerns:map"), {"category": "traffic"}).content.decode()
    assert "<html" in page and SVG_MAP.search(page)


def test_list_map_dots_are_the_first_records_that_have_a_point(
    client_for, chief, town, monkeypatch
):
    from concerns.views import lists

    # Newer concerns without a point come first in the list; the dots still show.
    for _ in range(4):
        ConcernFactory(date_received=timezone.localdate())
    monkeypatch.setattr(lists, "MAP_POINTS", 2)
    body = client_for(chief).get(reverse("concerns:map"), {"fragment": "1"}).content.decode()
    assert body.count('class="map-point"') == 2


@pytest.mark.parametrize(
    "persona,status",
    [
        ("officer", 200),
        ("supervisor", 200),
        ("cro", 200),
        ("chief", 200),
        ("training_officer", 200),
        ("outsider", 403),
    ],
)
def test_list_map_for_every_role_that_sees_the_list(client_for, personas, town, persona, status):
    list_status = client_for(personas[persona]).get(reverse("concerns:list")).status_code
    response = client_for(personas[persona]).get(reverse("concerns:map"), {"fragment": "1"})
    assert response.status_code == list_status == status


def test_list_map_for_anonymous_is_sent_to_login(client):
    response = client.get(reverse("concerns:map"))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_list_map_counts_only_what_the_user_may_see(client_for, officer, other_officer, town):
    """An officer sees their own concerns (and their routings): the map counts those."""
    html = client_for(officer).get(reverse("concerns:map"), {"fragment": "1"}).content.decode()
    visible = Concern.objects.visible_to(officer).count()
    assert f'<td class="text-end">{visible}</td></tr></tfoot>' in html


def test_list_map_queries_do_not_grow(client_for, chief, town, django_assert_max_num_queries):
    client = client_for(chief)
    url = reverse("concerns:map")

    def count():
        # Sign-in, session and navigation take most; the map itself three (counts, points, areas).
        with django_assert_max_num_queries(14) as ctx:
            assert client.get(url, {"fragment": "1"}).status_code == 200
        return len(ctx.captured_queries)

    count()  # the boundaries read once into the process's store
    small = count()
    officer = UserFactory(roles=[Role.OFFICER])
    Concern.objects.bulk_create(
        Concern(
            reference=f"CR-2095-{i:05d}",
            date_received=timezone.localdate(),
            source_type="citizen",
            category="noise",
            defined_area=town["west"],
            latitude=41.51 + i / 10000,
            longitude=-88.19,
            location_source="map",
            description="x",
            reported_by=officer,
        )
        for i in range(400)
    )
    assert count() == small


# --- The concern page ---


@pytest.mark.parametrize("persona", ["officer", "supervisor", "chief"])
def test_concern_page_shows_its_area_and_point(client_for, personas, town, persona):
    concern = ConcernFactory(
        defined_area=town["west"],
        latitude=41.55,
        longitude=-88.15,
        location_source="map",
        reported_by=personas["officer"],
    )
    html = (
        client_for(personas[persona])
        .get(reverse("concerns:detail", args=[concern.reference]))
        .content.decode()
    )
    assert SVG_MAP.search(html) and 'class="map-point"' in html
    assert "B1 · West beat" in html


def test_concern_page_still_hidden_from_those_who_may_not_see_it(client_for, other_officer, town):
    concern = ConcernFactory(defined_area=town["west"])
    url = reverse("concerns:detail", args=[concern.reference])
    assert client_for(other_officer).get(url).status_code == 404


# --- The roll-call briefing ---


@pytest.mark.parametrize(
    "persona,status", [("supervisor", 200), ("cro", 200), ("chief", 200), ("officer", 403)]
)
def test_briefing_map_by_beat(client_for, personas, town, persona, status):
    response = client_for(personas[persona]).get(reverse("briefing"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert SVG_MAP.search(html) and "Open concerns by beat" in html
        assert "B1 · 3" in html  # three open in the west beat


def test_briefing_pdf_carries_the_map(client_for, supervisor, town):
    response = client_for(supervisor).get(reverse("briefing-pdf"))
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    # The figures beside the map, the merged duplicate read out once, as its lead.
    assert "Open concerns by area: B1 3 · B2 1 · not placed 1" in text


# --- The reports ---


@pytest.fixture
def spring_2025(town):
    """Concerns in the second quarter of 2025 (a year that has ended whatever the date),
    on its first and last days and just outside it, one merged into another."""
    west, east, hood = town["west"], town["east"], town["hood"]
    for day, area in [
        (dt.date(2025, 3, 31), west),
        (dt.date(2025, 4, 1), west),
        (dt.date(2025, 4, 1), east),
        (dt.date(2025, 5, 15), hood),
        (dt.date(2025, 6, 30), west),
        (dt.date(2025, 6, 30), None),
        (dt.date(2025, 7, 1), east),
    ]:
        ConcernFactory(defined_area=area, date_received=day)
    lead = ConcernFactory(defined_area=east, date_received=dt.date(2025, 5, 2))
    _merge(ConcernFactory(defined_area=east, date_received=dt.date(2025, 5, 3)), lead)
    return town


def _report_counts(figure) -> dict:
    got = {r["id"]: r["n"] for r in figure["rows"]}
    if figure["not_placed"]:
        got[None] = figure["not_placed"]
    return got


@pytest.mark.parametrize(
    "kind,first,last",
    [
        ("quarterly", dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("annual", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    ],
)
def test_report_by_area_equals_the_sql(spring_2025, kind, first, last):
    figure = build(kind, first, last)["by_area"]
    expected = _sql_by_area("date_received BETWEEN %s AND %s", [first, last])
    assert _report_counts(figure) == expected
    assert figure["total"] == sum(expected.values())
    if kind == "quarterly":
        west, east = spring_2025["west"], spring_2025["east"]
        assert (expected[west.pk], expected[east.pk]) == (2, 2)  # the edges, the lead once


@pytest.mark.parametrize("persona", ["cro", "chief"])
def test_quarterly_report_page_and_pdf_show_the_map(
    client_for, personas, cro, spring_2025, persona
):
    report = services.generate_report(kind="quarterly", day=dt.date(2025, 4, 15), by=cro)
    client = client_for(personas[persona])
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert SVG_MAP.search(html)
    assert "Concerns received in the quarter by area" in html
    assert "B1 · West beat" in html


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer"])
def test_quarterly_report_still_refused_to_other_roles(client_for, personas, cro, persona):
    report = services.generate_report(kind="quarterly", day=dt.date(2025, 4, 15), by=cro)
    url = reverse("reports:detail", args=[report.pk])
    assert client_for(personas[persona]).get(url).status_code in (403, 404)


# --- The public transparency page ---


def test_transparency_by_area_withholds_small_counts(town):
    west = town["west"]
    for _ in range(6):
        ConcernFactory(defined_area=west, date_received=dt.date(2025, 3, 3))
    ConcernFactory(defined_area=town["east"], date_received=dt.date(2025, 3, 3))
    data = build("transparency", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    figure = data["by_area"]
    shapes = {s["code"]: s["value"] for s in figure["shapes"]}
    assert shapes == {"B1": 6, "B2": None}
    assert {r["code"]: r["n"] for r in figure["rows"]} == {"B1": 6, "B2": None}
    assert figure["hidden_words"] == "fewer than 5"
    assert "points" not in figure


def test_transparency_page_has_the_map_without_points(client, cro, chief, town):
    for _ in range(6):
        ConcernFactory(defined_area=town["west"], date_received=dt.date(2025, 3, 3))
    ConcernFactory(defined_area=town["east"], date_received=dt.date(2025, 3, 3))
    report = services.generate_report(kind="transparency", day=dt.date(2025, 6, 1), by=cro)
    services.submit_report(report=report, by=cro, late_reason="Published late.")
    Report.objects.filter(pk=report.pk).update(
        data=build("transparency", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    )
    services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    html = client.get(reverse("transparency-year", args=[2025])).content.decode()
    assert SVG_MAP.search(html)
    assert "B1 · 6" in html and "fewer than 5" in html
    assert "map-point" not in html and "<circle" not in html
    assert "application/json" not in html and "leaflet" not in html
