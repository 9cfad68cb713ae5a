"""The public transparency report's categories in groups (reports.builders.transparency):
the groups against plain SQL, and no suppressed count ever to be had by subtracting the
shown ones from a shown total. The totals of the published years, oldest first."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from reports.builders import build
from reports.builders.transparency import SMALL, by_kind, grouped
from tests.factories import ConcernFactory
from tests.reports.test_transparency_public import DATA, publish

pytestmark = pytest.mark.django_db

HIDDEN = "fewer than 5"


def test_grouped_hides_the_smallest_shown_part_beside_a_small_other():
    assert grouped([13, 9, 3, 2, 0]) == [13, 9, None, None, 5]
    # 2 + 1 left over is too few to stand alone: the smallest shown part goes in too.
    assert grouped([7, 2, 6, 1, 0]) == [7, None, None, None, 9]
    assert grouped([7, 8, 6, 5, 0]) == [7, 8, 6, 5, 0]
    assert grouped([1, 1, 0, 1, 0]) == [None, None, None, None, 3]  # a total under 5


@pytest.mark.parametrize("total_shown", [True, False])
def test_grouped_never_leaves_a_hidden_part_to_be_had_by_subtraction(total_shown):
    """Every split of small totals over five parts: what is shown adds up to the total, and
    beside a shown total no part is hidden, so subtracting gives nothing away."""
    for counts in itertools.product(range(0, 8), repeat=5):
        total = sum(counts)
        if (total >= SMALL) != total_shown:
            continue
        parts = grouped(list(counts))
        shown = [n for n in parts[:-1] if n is not None]
        assert sum(shown) + parts[-1] == total
        assert all(n >= SMALL for n in shown)
        if total >= SMALL:
            assert parts[-1] == 0 or parts[-1] >= SMALL, counts
        # Each part is its own count or counted in the last, never changed.
        assert all(n is None or n == c for n, c in zip(parts[:-1], counts[:-1], strict=True))


def test_outreach_kinds_keep_one_other_line():
    """The kind "Other" and the kinds too small to show are one line, "Other kinds of
    activity"; the lines add up to the activities counted."""
    counts = [("forum", 30), ("other", 10), ("foot_patrol", 12), ("school_visit", 3)]
    rows = by_kind(counts)
    assert rows == [["Community forum", 30], ["Foot patrol", 12], ["Other kinds of activity", 13]]
    assert sum(n for _label, n in rows) == sum(n for _kind, n in counts)
    # A small "Other" takes the smallest kind shown with it, never standing alone under 5.
    assert by_kind([("forum", 30), ("foot_patrol", 12), ("other", 2)]) == [
        ["Community forum", 30],
        ["Other kinds of activity", 14],
    ]
    assert by_kind([("forum", 30), ("foot_patrol", 12)]) == [
        ["Community forum", 30],
        ["Foot patrol", 12],
    ]


def sql_groups(first, last) -> dict:
    """The concerns per group written independently: the groups in a CASE, the merged
    reports left out, the days inclusive."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT CASE
                     WHEN category IN ('traffic', 'parking', 'street_lighting') THEN 'roads'
                     WHEN category IN ('narcotics', 'property_crime', 'violent_crime')
                       THEN 'crime'
                     WHEN category IN ('noise', 'youth', 'homelessness', 'quality_of_life')
                       THEN 'neighborhood'
                     WHEN category IN ('police_service', 'conduct_bias') THEN 'police'
                     ELSE 'other'
                   END AS grp, count(*)
            FROM concerns_concern
            WHERE duplicate_of_id IS NULL AND date_received BETWEEN %s AND %s
            GROUP BY grp
            """,
            [first, last],
        )
        return dict(cursor.fetchall())


def test_groups_equal_the_sql_and_hide_what_subtraction_would_give(officer):
    """Roads 7 (one on the year's first day, one on its last), neighborhood 6, crime 2,
    police 1; a merged report, a concern of the year before and one of the year after
    are not counted. Crime and police (3 together) cannot stand alone, so the smallest
    shown group, neighborhood, is counted with them under "Other concerns"."""

    def concern(category, day, **extra):
        return ConcernFactory(category=category, date_received=day, reported_by=officer, **extra)

    lead = concern("traffic", dt.date(2025, 1, 1))
    for category, day in [
        ("traffic", dt.date(2025, 3, 1)),
        ("traffic", dt.date(2025, 3, 2)),
        ("parking", dt.date(2025, 4, 1)),
        ("parking", dt.date(2025, 4, 2)),
        ("street_lighting", dt.date(2025, 5, 1)),
        ("street_lighting", dt.date(2025, 12, 31)),
        *[("noise", dt.date(2025, 6, d)) for d in range(1, 4)],
        *[("youth", dt.date(2025, 7, d)) for d in range(1, 4)],
        ("narcotics", dt.date(2025, 8, 1)),
        ("violent_crime", dt.date(2025, 8, 2)),
        ("police_service", dt.date(2025, 9, 1)),
        ("traffic", dt.date(2024, 12, 31)),
        ("traffic", dt.date(2026, 1, 1)),
    ]:
        concern(category, day)
    concern("traffic", dt.date(2025, 2, 1), duplicate_of=lead)

    first, last = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    counted = sql_groups(first, last)
    assert counted == {"roads": 7, "neighborhood": 6, "crime": 2, "police": 1}
    data = build("transparency", first, last)
    rows = {label: n for label, n, _categories in data["by_group"]}
    assert rows == {
        "Roads and traffic": counted["roads"],
        "Other concerns": counted["neighborhood"] + counted["crime"] + counted["police"],
    }
    assert data["received"] == sum(counted.values())
    other = data["by_group"][-1]
    assert other[0] == "Other concerns" and "Noise" in other[2] and "Narcotics" in other[2]
    # Nothing hidden beside the shown total: the groups add up to it.
    assert HIDDEN not in rows.values() and sum(rows.values()) == data["received"]


def test_a_small_year_hides_its_groups_and_its_total_alike(officer):
    for category in ("traffic", "noise", "narcotics"):
        ConcernFactory(category=category, date_received=dt.date(2025, 5, 5), reported_by=officer)
    data = build("transparency", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert data["received"] == HIDDEN
    assert [n for _label, n, _c in data["by_group"]] == [HIDDEN]


def test_resolved_is_not_shown_beside_a_small_open_count(officer):
    """20 received, 17 resolved: open (3) is hidden, so resolved is not shown either, or
    20 - 17 would give it."""
    for i in range(20):
        ConcernFactory(
            category="traffic",
            date_received=dt.date(2025, 5, 1) + dt.timedelta(days=i),
            **(
                {"status": "resolved", "resolved_at": timezone.now()}
                if i < 17
                else {"status": "received"}
            ),
            reported_by=officer,
        )
    data = build("transparency", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (data["received"], data["resolved"], data["open"]) == (20, None, HIDDEN)


def test_transparency_pages_show_the_totals_of_each_published_year(client, cro, chief):
    publish(cro, chief, 2024, data=DATA | {"received": HIDDEN, "resolved": HIDDEN})
    publish(cro, chief, 2025, data=DATA | {"received": 1234, "resolved": 1180})
    index = client.get(reverse("transparency")).content.decode()
    trends = index.split('id="h-trends"', 1)[1].split("</table>", 1)[0]
    # Oldest first, each year's total; a suppressed year has no bar.
    assert trends.index(">2024<") < trends.index(">2025<")
    assert "1,234" in trends and "1,180" in trends and HIDDEN in trends
    assert trends.count("<rect") == 1 and 'width="100%"' in trends
    year = client.get(reverse("transparency-year", args=[2025])).content.decode()
    assert 'id="h-trends"' in year
    assert "a number that small could point to the person who raised a concern" in index


def test_public_year_page_shows_groups_and_explains_small_counts(client, cro, chief):
    groups = [
        ["Roads and traffic", 12, ["Traffic", "Parking", "Street lighting"]],
        ["Other concerns", 9, ["Noise", "Other"]],
    ]
    publish(cro, chief, 2025, data=DATA | {"received": 21, "by_group": groups})
    html = client.get(reverse("transparency-year", args=[2025])).content.decode()
    body = html.split('id="cap-groups"', 1)[1].split("</table>", 1)[0]
    assert "Roads and traffic" in body and "Traffic, Parking, Street lighting" in body
    assert "Other concerns" in body and ">21<" in body
    assert 'id="cap-categories"' not in html  # the ungrouped table is for older years only
    assert "related categories are added together" in html


def test_the_public_outreach_counts_leave_out_the_briefing_of_personnel(officer):
    """000 §III.2's internal education is the department's own: the annual report counts
    it, the transparency page's outreach (and its attendance) does not."""
    from outreach.models import OutreachActivity
    from tests.factories import ActivityFactory

    for kind, attendance in (("forum", 40), ("personnel_briefing", 25), ("forum", 10)):
        ActivityFactory(kind=kind, date=dt.date(2025, 5, 6), attendance=attendance)
    data = build("transparency", dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert OutreachActivity.objects.count() == 3
    assert (data["activities"], data["attendance"]) == ("fewer than 5", 50)
    assert [label for label, _n in data["by_kind"]] == ["Other kinds of activity"]
