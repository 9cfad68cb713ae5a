"""Pages that never count a whole table (core/paging.py): one row more than shown says
whether a next page exists, and the total is counted only up to a cap, over the rows' ids
alone, whatever the rows carry."""

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext

from concerns.models import Concern, Routing
from core.paging import paginate
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def concerns():
    return [ConcernFactory() for _ in range(7)]


def test_a_page_its_neighbours_and_a_capped_total(concerns):
    qs = Concern.objects.order_by("id")
    first = paginate(qs, None, per_page=3, cap=5)
    assert [c.pk for c in first.rows] == [c.pk for c in concerns[:3]]
    assert first.has_next and not first.has_previous
    assert (first.total, first.total_capped, first.start, first.end) == (5, True, 1, 3)
    last = paginate(qs, "3", per_page=3, cap=10)
    assert [c.pk for c in last.rows] == [concerns[6].pk]
    assert not last.has_next and last.has_previous
    assert (last.total, last.total_capped, last.start, last.end) == (7, False, 7, 7)
    assert paginate(qs, "not a number", per_page=3).number == 1


def test_the_count_reads_ids_not_the_rows_subqueries(concerns):
    routed = Routing.objects.filter(concern=OuterRef("pk"))
    qs = Concern.objects.annotate(routed=Exists(routed)).order_by("id")
    with CaptureQueriesContext(connection) as queries:
        page = paginate(qs, None, per_page=3)
    rows_sql, count_sql = (q["sql"] for q in queries.captured_queries)
    assert "concerns_routing" in rows_sql and page.rows[0].routed is False
    assert count_sql.startswith("SELECT COUNT(*)") and "concerns_routing" not in count_sql
    assert page.total == 7


def test_a_filter_on_a_subquery_still_counts_what_it_keeps(concerns):
    routed = Routing.objects.filter(concern=OuterRef("pk"))
    qs = Concern.objects.annotate(routed=Exists(routed)).filter(routed=False).order_by("id")
    assert paginate(qs, None, per_page=3).total == 7
    assert paginate(qs.filter(pk__in=[concerns[0].pk]), None).total == 1
