"""Organizations not contacted for 90 days (000 III.1): one rule, read by the dashboard (its
count and the first five names, in one query) and by the organization list's filter, held
against an independent count in plain SQL."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from desk.dashboard import Period, outreach
from outreach.models import CommunityOrganization
from outreach.models.organizations import STALE_DAYS, stale_cutoff
from tests.factories import ActivityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)
NOVEMBER = Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def organizations(officer):
    """Seven stale active ones, named so that their order by name is known; and those that
    are not: contacted on the cutoff day itself, contacted yesterday, inactive."""
    cutoff = stale_cutoff(TODAY)
    stale = {}
    for name in ("Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo"):
        stale[name] = OrganizationFactory(name=f"{name} Street Watch")
    # The day before the cutoff is no longer recent; a planned event is no contact yet.
    ActivityFactory(organization=stale["Cedar"], date=cutoff - dt.timedelta(1), logged_by=officer)
    ActivityFactory(organization=stale["Elm"], date=TODAY, status="scheduled", logged_by=officer)
    on_cutoff = OrganizationFactory(name="Aspen Business Association")
    ActivityFactory(organization=on_cutoff, date=cutoff, logged_by=officer)
    recent = OrganizationFactory(name="Anchor Tenants Union")
    ActivityFactory(organization=recent, date=TODAY - dt.timedelta(1), logged_by=officer)
    OrganizationFactory(name="Acorn Club", is_active=False)
    return stale


def stale_sql(today: dt.date) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT o.name FROM outreach_communityorganization o
               WHERE o.is_active AND NOT EXISTS (
                   SELECT 1 FROM outreach_outreachactivity a
                   WHERE a.organization_id = o.id AND a.status = 'held'
                     AND a.date >= %s::date - %s)
               ORDER BY o.name""",
            [today, STALE_DAYS],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_dashboard_counts_them_all_and_names_the_first_five(organizations):
    expected = stale_sql(TODAY)
    assert len(expected) == 7
    with CaptureQueriesContext(connection) as queries:
        out = outreach(NOVEMBER, TODAY)
    assert out["stale_count"] == 7
    assert [o["name"] for o in out["stale"]] == expected[:5]
    assert out["stale"][0] == {"pk": organizations["Alder"].pk, "name": "Alder Street Watch"}
    # The count and the names come from one query.
    stale_queries = [q for q in queries.captured_queries if "communityorganization" in q["sql"]]
    assert len(stale_queries) == 1


def test_none_stale_counts_zero(officer):
    ActivityFactory(
        organization=OrganizationFactory(name="Busy Club"), date=TODAY, logged_by=officer
    )
    out = outreach(NOVEMBER, TODAY)
    assert (out["stale_count"], out["stale"]) == (0, [])


def test_the_rule_is_the_querysets_and_the_lists_filter_reads_it(organizations, client_for, cro):
    names = set(CommunityOrganization.objects.active().stale(TODAY).values_list("name", flat=True))
    assert names == set(stale_sql(TODAY))
    with time_machine.travel(dt.datetime(2026, 11, 20, 12), tick=False):
        html = (
            client_for(cro)
            .get(reverse("outreach:organizations") + "?stale=on&active=on")
            .content.decode()
        )
    for name in names:
        assert name in html
    for fresh in ("Aspen Business Association", "Anchor Tenants Union", "Acorn Club"):
        assert fresh not in html


def test_whether_an_organization_was_contacted_is_read_from_its_index_alone():
    """activity_org_idx carries the status, so the held activities since a day are found
    without reading the table (the dashboard's stale organizations, 8.8 to 2.4-2.8 ms at
    300,000 activities, docs/PERFORMANCE.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'activity_org_idx'")
        (definition,) = cursor.fetchone()
    assert "(organization_id, date DESC) INCLUDE (status)" in definition
