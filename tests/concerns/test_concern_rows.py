"""Every list of concerns (templates/concerns/_concern_rows.html): what each row says (the
summary, or the start of the description; never a description the person may not read),
a reference as a link only where it opens, the filters folded on a phone, and a query count
that does not grow with the rows."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns import services
from concerns.models import Concern
from concerns.next_step import FACTS, load_facts
from tests.factories import (
    ConcernFactory,
    DepartmentFactory,
    OrganizationFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("concerns:list")
QUEUE = reverse("concerns:possible-duplicates")

LONG = (
    "Cars race down Birch Lane every evening after eight and the children who play on the "
    "sidewalk have nearly been hit twice this month alone, says the neighbour."
)


def _rows(concerns, viewer, **extra):
    return render_to_string(
        "concerns/_concern_rows.html", {"concerns": concerns, "viewer": viewer, **extra}
    )


def test_list_row_shows_summary_dates_and_facts(client_for, cro, officer):
    concern = ConcernFactory(
        reported_by=officer, summary="Trucks blocking the fire lane", category="parking"
    )
    page = client_for(cro).get(LIST).content.decode()
    row = page[page.index(f">{concern.reference}</a>") :]
    row = row[: row.index("</tr>")]
    for text in ("Trucks blocking the fire lane", "Parking", "Citizen", "Received"):
        assert text in row, text
    assert concern.date_received.strftime("%b %-d, %Y") in row


def test_a_row_without_summary_shows_the_start_of_the_description(client_for, cro, officer):
    ConcernFactory(reported_by=officer, summary="", description=LONG)
    page = client_for(cro).get(LIST).content.decode()
    assert "Cars race down Birch Lane every evening after eight" in page
    # Cut at about a hundred characters: the end of the description is not in the list.
    assert "says the neighbour" not in page


def test_a_person_who_may_not_open_a_conduct_concern_sees_no_description(officer, cro):
    conduct = ConcernFactory(
        reported_by=cro, category="conduct_bias", summary="", description="Secret account."
    )
    named = ConcernFactory(reported_by=cro, category="conduct_bias", summary="About Sgt. X")
    html = _rows(Concern.objects.for_list().filter(pk__in=[conduct.pk, named.pk]), officer)
    assert "Secret account" not in html and "About Sgt. X" not in html
    # Named, never linked: the link would be a 404 for them.
    assert f'<span class="fw-semibold">{conduct.reference}</span>' in html
    assert f'href="/concerns/{conduct.reference}/"' not in html
    # The CRO opens both and reads what they are about.
    html = _rows(Concern.objects.for_list().filter(pk__in=[conduct.pk, named.pk]), cro)
    assert "Secret account." in html and "About Sgt. X" in html
    assert f'href="/concerns/{conduct.reference}/"' in html


def test_a_restricted_row_shows_no_next_step_or_names(officer, cro, other_officer):
    concern = ConcernFactory(reported_by=other_officer, category="conduct_bias")
    html = _rows([concern], officer)
    assert other_officer.last_name not in html and "Waiting for" not in html


def test_queue_names_concerns_as_text_for_an_administrator_who_opens_none(client_for):
    lead = ConcernFactory(reported_by=None, summary="Street light out on Elm St")
    other = ConcernFactory(reported_by=None, possible_duplicate_of=lead, summary="Light out")
    admin = UserFactory(username="t-admin", is_superuser=True, is_staff=True)
    page = client_for(admin).get(QUEUE).content.decode()
    assert other.reference in page and lead.reference in page
    assert f'href="/concerns/{other.reference}/"' not in page
    assert f'href="/concerns/{lead.reference}/"' not in page
    assert f"Merge into {lead.reference}" in page


def test_queue_links_both_for_the_cro(client_for, cro):
    lead = ConcernFactory(reported_by=None)
    other = ConcernFactory(reported_by=None, possible_duplicate_of=lead, summary="Light out")
    page = client_for(cro).get(QUEUE).content.decode()
    assert f'href="/concerns/{other.reference}/"' in page
    assert f'href="/concerns/{lead.reference}/"' in page
    assert "Light out" in page and "Recommend an action" in page


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _busy(n, cro, unit, department):
    """n concerns, each routed to a unit and referred: every row fact has something."""
    for _ in range(n):
        concern = ConcernFactory(reported_by=None)
        services.route_to_unit(concern=concern, by=cro, unit=unit, note="")
        services.refer_concern(
            concern=concern, by=cro, department=department, referred_on=concern.date_received
        )
        ConcernFactory(reported_by=None, possible_duplicate_of=concern)


@pytest.mark.parametrize("url", [LIST, LIST + "?needs_me=on", QUEUE])
def test_query_count_does_not_grow_with_rows(client_for, cro, other_officer, url):
    unit = UnitFactory(name="Traffic", commander=other_officer)
    department = DepartmentFactory(name="Public Works")
    client = client_for(cro)
    _busy(2, cro, unit, department)
    client.get(url)
    few = _count(client, url)
    _busy(10, cro, unit, department)
    assert _count(client, url) == few


def test_filters_fold_on_a_phone_unless_one_applies(client_for, cro):
    client = client_for(cro)
    page = client.get(LIST).content.decode()
    assert 'class="card shadow-sm mb-3 no-print collapse d-sm-block" id="list-filters"' in page
    assert 'aria-expanded="false"' in page
    page = client.get(LIST, {"status": "received", "sort": "oldest"}).content.decode()
    assert 'collapse d-sm-block show" id="list-filters"' in page
    assert "1 applied" in page


def test_organization_page_lists_its_concerns_with_rows(client_for, cro):
    organization = OrganizationFactory(name="Birch Lane Watch")
    ConcernFactory(reported_by=None, summary="", description=LONG, organization=organization)
    page = client_for(cro).get(organization.get_absolute_url()).content.decode()
    assert "stack-table" in page and "Cars race down Birch Lane" in page
    assert "Recommend an action" in page


def test_what_people_typed_is_escaped_in_the_rows_built_in_python(client_for, cro, officer):
    ConcernFactory(
        reported_by=officer,
        summary='<script>alert("x")</script> & "quotes"',
        area="Elm & <b>Main</b>",
    )
    page = client_for(cro).get(LIST).content.decode()
    assert "<script>alert" not in page and "<b>Main</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in page
    assert "Elm &amp; &lt;b&gt;Main&lt;/b&gt;" in page


def test_a_compact_row_has_three_cells_and_its_facts_line(officer, cro):
    concern = ConcernFactory(reported_by=officer, summary="Loud music", category="noise")
    html = _rows([concern], cro, compact=True)
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert row.count("<td") == 3
    assert "Noise · " in row and 'data-label="Dates"' not in row


def test_facts_read_after_the_rows_are_those_of_the_rows_own_query(cro, other_officer, officer):
    """A list's row facts are read after its rows, for the page's rows alone
    (next_step.load_facts, compiled once): the same as the annotated query's, for the unit's
    commander, another member and nobody, with and without a routing or a referral."""
    unit = UnitFactory(name="Traffic", commander=other_officer)
    department = DepartmentFactory(name="Public Works")
    _busy(3, cro, unit, department)
    ConcernFactory(reported_by=officer, summary="", description=LONG)
    seen = {}
    for viewer in (cro, other_officer, officer, AnonymousUser()):
        annotated = {c.pk: c for c in Concern.objects.for_list().with_row_facts(viewer)}
        after = list(Concern.objects.for_list())
        with CaptureQueriesContext(connection) as asked:
            load_facts(after, viewer)
            load_facts(after, viewer)  # facts already read are not read again
        assert len(asked) == 1
        assert len(after) == len(annotated) == 7
        for concern in after:
            for name in FACTS:
                assert getattr(concern, name) == getattr(annotated[concern.pk], name), name
        seen[viewer.pk] = after
    # What the comparison covered: the commander's own unit, and the department awaited.
    assert sum(c.viewer_unit == "Traffic" for c in seen[other_officer.pk]) == 3
    assert sum(c.viewer_routed for c in seen[cro.pk]) == 0
    assert sum(c.awaiting_department == "Public Works" for c in seen[cro.pk]) == 3
    assert any(c.description_start.startswith("Cars race") for c in seen[None])
