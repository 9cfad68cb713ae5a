"""A concern's summary where concerns are listed: the concern lists, the pages of the
organization and the activity it was raised at, the concern's own page, the CSV export and
the admin; read with the rows, never a query per row."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from concerns.models import Concern
from tests.conftest import sign_in
from tests.factories import ActivityFactory, ConcernFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_concern_list_shows_each_summary_under_its_reference(client_for, cro, officer):
    concern = ConcernFactory(reported_by=officer, summary="Trucks blocking the fire lane")
    page = client_for(cro).get(reverse("concerns:list")).content.decode()
    reference = page.index(f">{concern.reference}</a>")
    summary = page.index('<div class="small concern-summary">Trucks blocking the fire lane</div>')
    assert reference < summary < page.index("</td>", reference)


def test_officers_own_list_shows_the_summary(client_for, officer):
    ConcernFactory(reported_by=officer, summary="Graffiti on the underpass again")
    page = client_for(officer).get(reverse("concerns:mine")).content.decode()
    assert "Graffiti on the underpass again" in page


def test_concern_page_shows_the_summary_under_its_heading(client_for, cro, officer):
    concern = ConcernFactory(reported_by=officer, summary="Porch thefts on Maple Avenue")
    page = client_for(cro).get(concern.get_absolute_url()).content.decode()
    heading = page.index(f'<h1 class="page-title mb-0">{concern.reference}</h1>')
    subtitle = page.index('<p class="lead mb-1 concern-summary">Porch thefts on Maple Avenue</p>')
    assert heading < subtitle < page.index("The concern")


def test_a_summary_with_markup_is_shown_escaped(client_for, cro, officer):
    concern = ConcernFactory(reported_by=officer, summary="<b>Loud</b> music")
    client = client_for(cro)
    for url in (reverse("concerns:list"), concern.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "<b>Loud</b>" not in page and "&lt;b&gt;Loud&lt;/b&gt; music" in page


def _page_and_queries(client, url):
    with CaptureQueriesContext(connection) as counted:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in counted.captured_queries]


def _raised_at(where, officer, count):
    """A page listing `count` concerns raised at one organization's activity."""
    organization = OrganizationFactory(name="Maple Heights Watch")
    activity = ActivityFactory(logged_by=officer, organization=organization)
    for n in range(count):
        ConcernFactory(
            reported_by=officer,
            organization=organization,
            activity=activity,
            summary=f"Raised at the meeting, number {n}",
        )
    return (organization if where == "organization" else activity).get_absolute_url()


@pytest.mark.parametrize("where", ["organization", "activity"])
def test_organization_and_activity_pages_read_summaries_with_the_rows(client_for, cro, where):
    url = _raised_at(where, cro, 12)
    page, queries = _page_and_queries(client_for(cro), url)
    assert all(f"Raised at the meeting, number {n}</" in page for n in range(12))
    # The one query that reads the concerns reads their summaries: none is read on its own.
    assert len([sql for sql in queries if '"concerns_concern"."summary"' in sql]) == 1


@pytest.mark.parametrize("where", ["organization", "activity"])
def test_organization_and_activity_pages_query_count_is_flat(client_for, cro, where):
    client = client_for(cro)
    few = len(_page_and_queries(client, _raised_at(where, cro, 2))[1])
    Concern.objects.all().delete()
    many = len(_page_and_queries(client, _raised_at(where, cro, 12))[1])
    assert few == many


def test_export_has_a_summary_column(client_for, cro, officer):
    ConcernFactory(reported_by=officer, summary="=Cars speeding")
    response = client_for(cro).get(reverse("concerns:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    assert header.index("area") < header.index("summary") < header.index("description")
    # A cell that a spreadsheet would run as a formula is neutralised like the others.
    assert rows[1][header.index("summary")] == "'=Cars speeding"


@pytest.fixture
def admin_client_(client):
    admin = UserFactory(username="root", dsn="9999", is_staff=True, is_superuser=True)
    return sign_in(client, admin)


def test_admin_lists_and_searches_the_summary(admin_client_, officer):
    wanted = ConcernFactory(reported_by=officer, summary="Abandoned house drawing trespassers")
    other = ConcernFactory(reported_by=officer, summary="Bus stop sales")
    url = reverse("admin:concerns_concern_changelist")
    page = admin_client_.get(url).content.decode()
    assert "Abandoned house drawing trespassers" in page and "Bus stop sales" in page
    found = admin_client_.get(url, {"q": "trespassers"}).content.decode()
    assert wanted.reference in found and other.reference not in found
    change = admin_client_.get(reverse("admin:concerns_concern_change", args=[wanted.pk]))
    assert 'name="summary"' in change.content.decode()
