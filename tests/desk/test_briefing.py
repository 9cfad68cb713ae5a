import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Area
from concerns.models import Concern
from core.roles import Role
from desk import briefing
from outreach.models import OutreachActivity
from tests.factories import ActivityFactory, AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("briefing")
PDF = reverse("briefing-pdf")
SOURCE_NAME = "Zelda Quintrell"
SOURCE_CONTACT = "zelda.q@example.test"
EXPECTED = {
    "supervisor": 200,
    "cro": 200,
    "chief": 200,
    "officer": 403,
    "training_officer": 403,
    "outsider": 403,
}


def _today():
    return timezone.localdate()


def _pdf_text(response) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def maple(officer):
    """Maple Avenue: one open concern, one resolved, one about conduct; two activities."""
    today = _today()
    return {
        "open": ConcernFactory(
            area="Maple Avenue",
            category="noise",
            nature="perceived",
            description="Loud music from the corner lot every night after midnight.",
            source_name=SOURCE_NAME,
            source_contact=SOURCE_CONTACT,
            reported_by=officer,
        ),
        "resolved": ConcernFactory(
            area="Maple Avenue",
            status=Concern.Status.RESOLVED,
            resolved_at=timezone.now(),
            reported_by=officer,
        ),
        "conduct": ConcernFactory(
            area="Maple Avenue",
            category=Concern.Category.CONDUCT_BIAS,
            description="An officer was rude during a stop.",
            reported_by=officer,
        ),
        "recent": ActivityFactory(
            area="Maple Avenue",
            title="Maple block watch meeting",
            date=today - dt.timedelta(days=3),
            attendance=17,
            logged_by=officer,
        ),
        "old": ActivityFactory(
            area="Maple Avenue",
            title="Spring safety fair",
            date=today - dt.timedelta(days=40),
            logged_by=officer,
        ),
    }


# --- Who may see it ---


@pytest.mark.parametrize("url", [PAGE, PDF])
@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_briefing_access_by_role(client_for, personas, persona, url):
    response = client_for(personas[persona]).get(url)
    assert response.status_code == EXPECTED[persona]
    if response.status_code == 200 and url == PDF:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_briefing_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_briefing_refuses_post(client_for, supervisor, url):
    assert client_for(supervisor).post(url).status_code == 405


def test_briefing_in_navigation_for_supervisor_only(client_for, supervisor, officer):
    assert "Roll-call briefing" in client_for(supervisor).get("/").content.decode()
    assert "Roll-call briefing" not in client_for(officer).get("/").content.decode()


# --- What it shows ---


def test_briefing_shows_open_concerns_and_recent_activities_of_an_area(
    client_for, supervisor, maple
):
    html = client_for(supervisor).get(PAGE).content.decode()
    assert "Maple Avenue" in html
    assert maple["open"].reference in html
    assert "Loud music from the corner lot" in html
    assert "Perceived problem" in html
    assert maple["resolved"].reference not in html
    assert maple["conduct"].reference not in html
    assert "rude during a stop" not in html
    assert "Maple block watch meeting" in html
    assert "Spring safety fair" not in html


@pytest.mark.parametrize("url", [PAGE, PDF])
def test_briefing_never_shows_source_names_or_contacts(client_for, chief, maple, url):
    # The Chief may see sources elsewhere; a roll call never does.
    response = client_for(chief).get(url)
    text = _pdf_text(response)[0] if url == PDF else response.content.decode()
    assert maple["open"].reference in text
    assert SOURCE_NAME not in text and SOURCE_CONTACT not in text


def test_briefing_never_reads_source_fields(supervisor, maple, django_assert_max_num_queries):
    with django_assert_max_num_queries(20) as ctx:
        briefing.build_briefing(supervisor)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "concerns_concern" in sql
    assert "source_name" not in sql and "source_contact" not in sql


def test_briefing_area_filter_is_case_insensitive_contains(client_for, supervisor, maple):
    elsewhere = ConcernFactory(area="Oak Hollow", description="Broken street light on Oak.")
    ActivityFactory(area="Oak Hollow", title="Oak Hollow coffee", date=_today())
    html = client_for(supervisor).get(PAGE, {"area": "MAPLE"}).content.decode()
    assert maple["open"].reference in html and "Maple block watch meeting" in html
    assert elsewhere.reference not in html and "Oak Hollow coffee" not in html
    assert 'value="MAPLE"' in html
    html = client_for(supervisor).get(PAGE).content.decode()
    assert elsewhere.reference in html and "Oak Hollow coffee" in html


def test_briefing_days_sets_the_recent_window(client_for, supervisor, officer):
    today = _today()
    ActivityFactory(title="Six days ago", date=today - dt.timedelta(days=6), logged_by=officer)
    ActivityFactory(title="Seven days ago", date=today - dt.timedelta(days=7), logged_by=officer)
    ActivityFactory(title="Twenty days ago", date=today - dt.timedelta(days=20), logged_by=officer)
    ActivityFactory(title="Planned for next week", date=today + dt.timedelta(days=7))
    client = client_for(supervisor)
    html = client.get(PAGE, {"days": "7"}).content.decode()
    assert "Six days ago" in html and "Seven days ago" not in html
    html = client.get(PAGE).content.decode()
    assert "Seven days ago" in html and "Twenty days ago" not in html
    html = client.get(PAGE, {"days": "30"}).content.decode()
    assert "Twenty days ago" in html
    assert "Planned for next week" not in html


@pytest.mark.parametrize(
    "query",
    # A NUL is refused with 400 before the page (core.guards; tests/security/test_nul_input.py);
    # the form's own fallback for it is tested below, on read_filters.
    [{"days": "abc"}, {"days": "99"}, {"days": "-1"}, {"area": "x" * 500}],
)
def test_briefing_bad_filters_fall_back_to_defaults(client_for, supervisor, maple, query):
    for url in (PAGE, PDF):
        assert client_for(supervisor).get(url, query).status_code == 200
    assert briefing.read_filters(query) == ("", 14)
    html = client_for(supervisor).get(PAGE, query).content.decode()
    assert "last 14 days" in html
    assert maple["open"].reference in html
    assert "is-invalid" not in html and "invalid-feedback" not in html


def test_read_filters_keeps_the_good_field_when_the_other_is_bad():
    assert briefing.read_filters({"area": " Elm ", "days": "99"}) == ("Elm", 14)
    assert briefing.read_filters({"area": "a\x00b", "days": "30"}) == ("", 30)
    assert briefing.read_filters({}) == ("", 14)


def test_briefing_counts(supervisor, officer):
    today = _today()
    elm = Area.objects.create(name="Elm beat", code="EB", kind=Area.Kind.BEAT)
    oak = Area.objects.create(name="Oak Hollow", code="OH", kind=Area.Kind.NEIGHBOURHOOD)
    ConcernFactory(area="Elm Street", defined_area=elm, date_received=today)
    ConcernFactory(area="Elm Street", defined_area=elm, date_received=today - dt.timedelta(days=40))
    ConcernFactory(area="Oak Hollow", defined_area=oak, date_received=today - dt.timedelta(days=2))
    ConcernFactory(area="Oak Hollow", defined_area=oak, category="conduct_bias")
    ConcernFactory(
        area="Oak Hollow", defined_area=oak, status="resolved", resolved_at=timezone.now()
    )
    ActivityFactory(area="Elm Street", defined_area=elm, attendance=10, logged_by=officer)
    ActivityFactory(area="", attendance=5, logged_by=officer)
    ActivityFactory(
        area="Elm Street", defined_area=elm, date=today - dt.timedelta(days=30), logged_by=officer
    )
    result = briefing.build_briefing(supervisor)
    assert (result.open_total, result.new_total, result.concern_area_total) == (3, 2, 2)
    assert (result.activity_total, result.attendance_total) == (2, 15)
    # Grouped by the defined area; a record in none is "not placed".
    assert [g.label for g in result.activity_groups] == ["EB · Elm beat", briefing.NO_AREA]
    result = briefing.build_briefing(supervisor, area="oak", days=7)
    assert (result.open_total, result.new_total, result.activity_total) == (1, 1, 0)


def test_briefing_caps_areas_and_rows_and_links_to_the_rest(client_for, supervisor, officer):
    today = _today()
    busiest = Area.objects.create(name="Harbor District", code="HD", kind=Area.Kind.BEAT)
    for i in range(briefing.CONCERNS_PER_AREA + 3):
        ConcernFactory(
            area="Pier 4",
            defined_area=busiest,
            date_received=today - dt.timedelta(days=i),
            reported_by=officer,
        )
    urgent_old = ConcernFactory(
        area="Pier 4",
        defined_area=busiest,
        priority="urgent",
        date_received=today - dt.timedelta(days=60),
    )
    for n in range(briefing.CONCERN_AREAS + 2):
        quiet = Area.objects.create(name=f"Quiet area {n:02d}", code=f"Q{n:02d}", kind="beat")
        ConcernFactory(area="Somewhere", defined_area=quiet, reported_by=officer)
    result = briefing.build_briefing(supervisor)
    assert len(result.concern_groups) == briefing.CONCERN_AREAS
    first = result.concern_groups[0]
    assert first.area == "HD" and first.total == briefing.CONCERNS_PER_AREA + 4
    # The typed place stays on each line.
    assert {r["place"] for r in first.rows} == {"Pier 4"}
    assert len(first.rows) == briefing.CONCERNS_PER_AREA and first.more == 4
    # Urgent first, however old; then the newest.
    assert first.rows[0]["reference"] == urgent_old.reference
    assert [r["date_received"] for r in first.rows[1:]] == [
        today - dt.timedelta(days=i) for i in range(briefing.CONCERNS_PER_AREA - 1)
    ]
    assert all(len(g.rows) == 1 for g in result.concern_groups[1:])
    assert result.concern_areas_more == 3

    html = client_for(supervisor).get(PAGE).content.decode()
    assert "and 4 more in this area" in html
    assert f'href="/concerns/?open=on&amp;defined_area={busiest.pk}"' in html
    assert "3 more areas with open concerns not shown" in html
    # The map's table counts every area; the groups list the busiest only.
    assert "Quiet area 07" not in {g.label for g in result.concern_groups}


def test_briefing_truncates_long_descriptions(supervisor):
    ConcernFactory(area="Elm Street", description="word " * 200)
    (group,) = briefing.build_briefing(supervisor).concern_groups
    text = group.rows[0]["description"]
    assert len(text) <= briefing.DESCRIPTION_CHARS and text.endswith("…")


def test_briefing_empty_state(client_for, supervisor):
    html = client_for(supervisor).get(PAGE, {"area": "Nowhere"}).content.decode()
    assert "No open concerns in areas containing “Nowhere”" in html
    assert "No outreach logged in the last 14 days" in html


# --- The PDF ---


def test_briefing_pdf_content(client_for, supervisor, maple):
    AgencyFactory()
    response = client_for(supervisor).get(PDF, {"area": "maple", "days": "7"})
    assert response["Content-Type"] == "application/pdf"
    assert "roll-call-briefing-" in response["Content-Disposition"]
    text, pages = _pdf_text(response)
    flat = _flat(text)
    assert pages == 1
    assert "Roll-call briefing" in flat and "Testville Police Department" in flat
    assert "Maple Avenue" in flat and maple["open"].reference in flat
    assert "Maple block watch meeting" in flat
    assert maple["conduct"].reference not in flat and maple["resolved"].reference not in flat
    assert f"by {supervisor.display_name}" in flat
    assert "For internal use: do not distribute" in flat
    assert "last 7 days" in flat


def test_briefing_pdf_fits_one_page_at_its_fullest(client_for, cro):
    """The worst case the caps allow: every area and title as long as the fields permit,
    every description long, more concerns and activities than are listed."""
    today = _today()
    officer = UserFactory(roles=[Role.OFFICER])
    long_area = "Northeast Riverside Industrial Corridor and Old Mill Village Beat 14 " * 3
    long_text = "Residents describe repeated late-night disturbances, speeding and litter " * 8
    # Beats with the longest names and boundaries, so the page carries the map as well.
    beats = [
        Area.objects.create(
            name=f"{long_area[:110]} {a:02d}",
            code=f"NR{a:02d}",
            kind=Area.Kind.BEAT,
            boundary={
                "type": "Polygon",
                "coordinates": [
                    [
                        [-88.2 + a * 0.02, 41.5],
                        [-88.18 + a * 0.02, 41.5],
                        [-88.18 + a * 0.02, 41.6],
                        [-88.2 + a * 0.02, 41.6],
                        [-88.2 + a * 0.02, 41.5],
                    ]
                ],
            },
        )
        for a in range(max(briefing.CONCERN_AREAS, briefing.ACTIVITY_AREAS) + 2)
    ]
    for a in range(briefing.CONCERN_AREAS + 2):
        area = f"{long_area[:150]} {a:02d}"
        for i in range(briefing.CONCERNS_PER_AREA + 2):
            ConcernFactory(
                area=area,
                defined_area=beats[a],
                priority="urgent",
                category="quality_of_life",
                nature="potential",
                status="action_recommended",
                description=long_text,
                date_received=today - dt.timedelta(days=i),
                reported_by=officer,
            )
    for a in range(briefing.ACTIVITY_AREAS + 2):
        for i in range(briefing.ACTIVITIES_PER_AREA + 2):
            ActivityFactory(
                area=f"{long_area[:150]} {a:02d}",
                defined_area=beats[a],
                kind="immigration_outreach",
                title=long_text[:160],
                attendance=1234,
                date=today - dt.timedelta(days=i),
                logged_by=officer,
            )
    AgencyFactory(
        name="Northeast Riverside Metropolitan Police Department",
        address="1200 Municipal Center Boulevard, Suite 400, Riverside Heights",
    )
    response = client_for(cro).get(PDF, {"days": "30", "area": long_area[:150]})
    text, pages = _pdf_text(response)
    assert pages == 1
    assert "For internal use: do not distribute" in _flat(text)
    assert "NR00" in text  # the areas are the defined ones, and the figures are all there


# --- Queries ---


def _count(client, url, django_assert_max_num_queries, limit=14):
    # 14: the menu asks once whether the reader holds the quarterly-input duty (003 1.b).
    with django_assert_max_num_queries(limit) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [PAGE, PAGE + "?area=street&days=30", PDF])
def test_briefing_query_count_does_not_grow(client_for, cro, url, django_assert_max_num_queries):
    AgencyFactory()
    client = client_for(cro)
    officer = UserFactory(roles=[Role.OFFICER])
    today = _today()
    ConcernFactory.create_batch(3, area="Elm Street", reported_by=officer)
    ActivityFactory.create_batch(2, area="Elm Street", logged_by=officer)
    small = _count(client, url, django_assert_max_num_queries)
    Concern.objects.bulk_create(
        Concern(
            reference=f"CR-2097-{i:05d}",
            date_received=today - dt.timedelta(days=i % 40),
            source_type="citizen",
            category="traffic",
            area=f"Street {i % 25}",
            description="Speeding cars at school time.",
            reported_by=officer,
        )
        for i in range(600)
    )
    OutreachActivity.objects.bulk_create(
        OutreachActivity(
            kind="foot_patrol",
            date=today - dt.timedelta(days=i % 20),
            title=f"Patrol {i}",
            area=f"Street {i % 15}",
            logged_by=officer,
        )
        for i in range(200)
    )
    large = _count(client, url, django_assert_max_num_queries)
    assert small == large
