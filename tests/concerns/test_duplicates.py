"""Duplicates (issue 22): candidates, link, merge, refusals, residents told, counted once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from accounts.models import Area
from concerns import duplicates, intake, lookalikes, services, steps
from concerns.models import Concern, ConcernUpdate
from core.windows import window
from notifications.models import OutboundEmail
from reports.builders._common import _concern_rows
from tests.factories import ConcernFactory

D = dt.date(2026, 5, 12)
K = ConcernUpdate.Kind


@pytest.fixture
def riverside(db):
    return Area.objects.create(code="B7", name="Riverside", kind="beat")


@pytest.fixture
def elsewhere(db):
    return Area.objects.create(code="B8", name="Hillcrest", kind="beat")


def light(area=None, *, summary="Street light out on Elm St", days_before=0, **fields):
    fields.setdefault("reported_by", None)
    return ConcernFactory(
        category="street_lighting",
        defined_area=area,
        summary=summary,
        date_received=D - dt.timedelta(days=days_before),
        **fields,
    )


def find(area=None, summary="Streetlight out on Elm Street", **more):
    return lookalikes.candidates(
        category="street_lighting", defined_area=area, summary=summary, received=D, **more
    )


# --- Candidates -----------------------------------------------------------------------


def test_candidates_same_area_similar_summary_ranked(riverside):
    close = light(riverside, summary="Street light out on Elm St", days_before=2)
    looser = light(riverside, summary="Light flickering near the Elm St bridge", days_before=3)
    found = find(riverside)
    assert [c.concern for c in found] == [close, looser]
    assert found[0].same_area and found[0].score > found[1].score


def test_candidates_leave_out_other_category_area_old_resolved_merged_and_unlike(
    riverside, elsewhere, cro
):
    light(elsewhere)  # another area, no point
    light(riverside, days_before=lookalikes.RECENT_DAYS + 1)  # too old
    ConcernFactory(
        category="traffic",
        defined_area=riverside,
        summary="Street light out on Elm St",
        date_received=D,
    )
    resolved = light(riverside)
    services.resolve_concern(concern=resolved, by=cro, resolution="Fixed.")
    lead, merged = light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[merged])
    light(riverside, summary="Dog barking all night")  # not alike
    assert [c.concern for c in find(riverside)] == [lead]


def test_candidates_by_distance_without_area(riverside):
    near = light(None, latitude=41.8800, longitude=-87.6300, location_source="map")
    light(None, latitude=41.8900, longitude=-87.6300, location_source="map")  # about 1.1 km north
    found = find(None, latitude=41.8809, longitude=-87.6301)
    assert [c.concern for c in found] == [near]
    assert found[0].nearby and found[0].metres < lookalikes.NEARBY_METRES


def test_likeness_with_a_floor_is_exact_above_it_and_nought_below():
    """`similarity(..., at_least=t)` skips the full comparison of letters where its upper
    bounds cannot reach t: it must give the exact likeness wherever that reaches t, and
    0.0 only where it does not."""
    summaries = [
        "Streetlight out on Maple Avenue",
        "street light out on maple ave",
        "Speeding cars near Lincoln Elementary at pick-up",
        "Cars speeding by the elementary school",
        "Loud music at night in the park",
        "Graffiti on the underpass",
        "graffiti under the Oak Street underpass",
        "",
        "the of and",
        "Streetlight out on Maple Avenue",
    ]
    for a in summaries:
        for b in summaries:
            exact = lookalikes.similarity(a, b)
            for floor in (0.25, 0.55, 0.9):
                quick = lookalikes.similarity(a, b, at_least=floor)
                assert quick == (exact if exact >= floor else 0.0), (a, b, floor)


def test_candidates_never_for_conduct(riverside):
    ConcernFactory(category="conduct_bias", defined_area=riverside, date_received=D)
    assert (
        lookalikes.candidates(
            category="conduct_bias", defined_area=riverside, summary="Speeding", received=D
        )
        == []
    )


def test_candidates_read_one_bounded_query(riverside, django_assert_num_queries):
    for i in range(5):
        light(riverside, summary=f"Street light out on Elm St, pole {i}")
    with django_assert_num_queries(1) as captured:
        find(riverside, limit=3)
    sql = captured.captured_queries[0]["sql"]
    assert f"LIMIT {lookalikes.SCAN_LIMIT}" in sql


def test_candidates_come_as_models_with_what_the_panels_show(riverside, django_assert_num_queries):
    """The scan reads plain values and builds models for the offered few only: each has
    the fields the panels and the intake show, and its area's name, with no query more."""
    near = light(riverside, days_before=1, latitude=41.6, longitude=-88.1, location_source="map")
    light(None, summary="Street light out on Elm St", days_before=4)
    light(riverside, summary="Street light out on Elm St", days_before=6)
    with django_assert_num_queries(1):
        found = find(riverside, limit=2)
        shown = [
            (
                c.concern.pk,
                c.concern.reference,
                c.concern.summary,
                c.concern.date_received,
                c.concern.status,
                c.concern.category,
                c.concern.area,
                c.concern.latitude,
                c.concern.defined_area.name if c.concern.defined_area_id else None,
            )
            for c in found
        ]
    expected = [
        (
            c.pk,
            c.reference,
            c.summary,
            c.date_received,
            c.status,
            c.category,
            c.area,
            c.latitude,
            "Riverside",
        )
        for c in Concern.objects.filter(defined_area=riverside).order_by("-date_received")
    ]
    assert shown == expected
    assert found[0].concern == near and found[0].concern._state.adding is False


def test_offer_for_shows_only_what_the_officer_may_see(riverside, officer, other_officer):
    mine = light(riverside, reported_by=officer)
    light(riverside, reported_by=other_officer)
    data = {
        "category": "street_lighting",
        "defined_area": riverside,
        "summary": "Street light out on Elm",
        "date_received": D,
    }
    assert [c.concern for c in lookalikes.offer_for(data, user=officer)] == [mine]
    assert len(lookalikes.offer_for(data)) == 2


# --- Link at intake -------------------------------------------------------------------


def test_link_points_new_concern_to_lead_with_lines_on_both(riverside, officer):
    lead = light(riverside, reported_by=officer)
    new = light(riverside, reported_by=officer)
    duplicates.link(concern=new, lead=lead, by=officer)
    new.refresh_from_db()
    assert new.duplicate_of == lead and new.status == "resolved" and new.resolved_at
    assert new.updates.filter(kind=K.MERGED, text__contains=lead.reference).exists()
    again = lead.updates.get(kind=K.REPORTED_AGAIN)
    assert officer.display_name in again.text and new.reference in again.text
    lead.refresh_from_db()
    assert lead.status == "received"


def test_link_to_a_duplicate_goes_to_its_lead(riverside, officer, cro):
    lead, dup = light(riverside, reported_by=officer), light(riverside, reported_by=officer)
    duplicates.merge(by=cro, lead=lead, others=[dup])
    new = light(riverside, reported_by=officer)
    duplicates.link(concern=new, lead=dup, by=officer)
    new.refresh_from_db()
    assert new.duplicate_of == lead


def test_link_refuses_conduct(supervisor):
    lead = ConcernFactory(category="conduct_bias", date_received=D)
    new = ConcernFactory(category="conduct_bias", date_received=D, reported_by=supervisor)
    with pytest.raises(ValidationError, match="examined on its own"):
        duplicates.link(concern=new, lead=lead, by=supervisor)


# --- Merge ----------------------------------------------------------------------------


def test_merge_points_others_to_lead_closes_them_and_writes_lines(riverside, cro):
    lead, a, b = light(riverside), light(riverside), light(riverside)
    merged = duplicates.merge(by=cro, lead=lead, others=[a, b], revision=lead.revision)
    assert {c.pk for c in merged} == {a.pk, b.pk}
    for c in (a, b):
        c.refresh_from_db()
        assert c.duplicate_of_id == lead.pk and c.merged_at and c.status == "resolved"
        assert c.resolved_at is not None
        assert c.updates.filter(kind=K.MERGED, text__contains=lead.reference).exists()
    assert lead.updates.filter(kind=K.MERGED).count() == 2
    lead.refresh_from_db()
    assert lead.duplicate_of is None and lead.status == "received"


def test_merge_twice_merges_once(riverside, cro):
    lead, a = light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[a], revision=lead.revision)
    assert duplicates.merge(by=cro, lead=lead, others=[a], revision=lead.revision) == []
    assert lead.updates.filter(kind=K.MERGED).count() == 1


def test_merge_moves_the_duplicates_of_a_merged_lead(riverside, cro):
    first, its_dup, new_lead = light(riverside), light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=first, others=[its_dup])
    duplicates.merge(by=cro, lead=new_lead, others=[first])
    its_dup.refresh_from_db()
    first.refresh_from_db()
    assert its_dup.duplicate_of == new_lead and first.duplicate_of == new_lead
    assert not Concern.objects.filter(duplicate_of__duplicate_of__isnull=False).exists()


@pytest.mark.parametrize("case", ["lead-is-duplicate", "conduct", "already-merged", "self"])
def test_merge_refusals(riverside, cro, case):
    lead, other = light(riverside), light(riverside)
    if case == "lead-is-duplicate":
        duplicates.merge(by=cro, lead=light(riverside), others=[lead])
        message = "is itself merged"
    elif case == "conduct":
        other = ConcernFactory(category="conduct_bias", date_received=D)
        message = "never merged"
    elif case == "already-merged":
        duplicates.merge(by=cro, lead=light(riverside), others=[other])
        message = "already merged"
    else:
        other = lead
        message = "leads"
    with pytest.raises(ValidationError, match=message):
        duplicates.merge(by=cro, lead=lead, others=[other])


def test_merge_refuses_a_stale_page_and_a_resolved_lead(riverside, cro):
    lead, other = light(riverside), light(riverside)
    with pytest.raises(ValidationError, match="changed after you opened it"):
        duplicates.merge(by=cro, lead=lead, others=[other], revision=lead.revision - 1)
    services.resolve_concern(concern=lead, by=cro, resolution="Fixed.")
    with pytest.raises(ValidationError, match="is resolved"):
        duplicates.merge(by=cro, lead=lead, others=[other])
    other.refresh_from_db()
    assert other.duplicate_of is None


@pytest.mark.parametrize("who", ["officer", "supervisor", "chief", "training_officer"])
def test_merge_needs_the_permission(riverside, personas, who):
    lead, other = light(riverside), light(riverside)
    with pytest.raises(PermissionDenied):
        duplicates.merge(by=personas[who], lead=lead, others=[other])


def test_unmerge_reopens_the_report(riverside, cro):
    lead, other = light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[other])
    other.refresh_from_db()
    duplicates.unmerge(by=cro, concern=other, revision=other.revision)
    other.refresh_from_db()
    assert other.duplicate_of is None and other.status == "reopened" and other.resolved_at is None
    assert lead.updates.filter(kind=K.UNMERGED).exists()


# --- Residents hear when the lead is resolved -----------------------------------------


def test_resolving_the_lead_tells_consenting_residents_of_merged_reports(riverside, cro):
    lead = light(riverside, contact_email="lead@example.org", consent_to_contact=True)
    told = light(riverside, contact_email="told@example.org", consent_to_contact=True)
    refused = light(riverside, contact_email="no@example.org", consent_to_contact=False)
    no_address = light(riverside, consent_to_contact=True)
    duplicates.merge(by=cro, lead=lead, others=[told, refused, no_address])
    # Merging tells nobody: nothing is resolved yet.
    assert not OutboundEmail.objects.filter(kind="resident_resolved").exists()
    services.resolve_concern(concern=lead, by=cro, resolution="The light was repaired.")
    sent = OutboundEmail.objects.filter(kind="resident_resolved")
    assert sorted(sent.values_list("to", flat=True)) == ["lead@example.org", "told@example.org"]
    assert sent.get(to="told@example.org").subject.endswith(told.reference + " has been resolved")


# --- Doors with no one to ask ---------------------------------------------------------


def test_public_form_notes_the_likely_lead_for_the_cro(riverside):
    today = timezone.localdate()
    lead = ConcernFactory(
        category="street_lighting",
        area="Elm St",
        summary="Street light out on Elm St",
        date_received=today,
        reported_by=None,
    )
    concern, _ = intake.submit_public_concern(
        data={
            "category": "street_lighting",
            "area": "Elm St",
            "summary": "Streetlight out on Elm Street",
            "description": "The light by 412 Elm has been out for a week.",
        },
        client="203.0.113.9",
    )
    concern.refresh_from_db()
    assert concern.possible_duplicate_of == lead and concern.duplicate_of is None
    line = concern.updates.get(kind=K.POSSIBLE_DUPLICATE)
    assert lead.reference in line.text
    assert list(duplicates.possible_duplicates()) == [concern]


def test_officer_intake_notes_nothing(riverside, officer):
    today = timezone.localdate()
    ConcernFactory(category="street_lighting", summary="Street light out", date_received=today)
    concern, _ = intake.log_concern(
        by=officer,
        data={
            "date_received": today,
            "source_type": "citizen",
            "category": "street_lighting",
            "nature": "actual",
            "area": "Elm",
            "summary": "Street light out",
            "description": "Out.",
            "priority": "normal",
        },
    )
    assert concern.possible_duplicate_of is None


def test_dismiss_clears_the_likely_lead(riverside, cro):
    lead, other = light(riverside), light(riverside)
    Concern.objects.filter(pk=other.pk).update(possible_duplicate_of=lead)
    duplicates.dismiss_likely_lead(by=cro, concern=other)
    other.refresh_from_db()
    assert other.possible_duplicate_of is None
    assert other.updates.filter(text__contains=f"Not the same as {lead.reference}").exists()


# --- Counted once ---------------------------------------------------------------------


def test_reports_count_the_lead_once_as_plain_sql_does(riverside, cro):
    first, last = dt.date(2026, 4, 1), dt.date(2026, 4, 30)
    lead = light(riverside, days_before=(D - dt.date(2026, 4, 10)).days)
    dups = [light(riverside, days_before=(D - dt.date(2026, 4, 11)).days) for _ in range(3)]
    light(riverside, summary="Another street", days_before=(D - dt.date(2026, 4, 20)).days)
    duplicates.merge(by=cro, lead=lead, others=dups)
    w = window(first, last, now=timezone.make_aware(dt.datetime(2026, 6, 1)))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM concerns_concern WHERE duplicate_of_id IS NULL "
            "AND date_received BETWEEN %s AND %s",
            [first, last],
        )
        (plain,) = cursor.fetchone()
    assert plain == 2
    assert Concern.objects.received_in(w).count() == plain
    assert Concern.objects.open_during(w).filter(date_received__gte=first).count() == plain
    rows = {
        r["reference"]: r
        for r in Concern.objects.received_in(w).with_gathered().values("reference", "gathered")
    }
    assert rows[lead.reference]["gathered"] == 3


def test_report_listing_says_how_many_reports_the_lead_gathered(riverside, cro):
    lead, a, b = light(riverside), light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[a, b])
    rows = _concern_rows(Concern.objects.counted().filter(pk__in=[lead.pk, a.pk, b.pk]))
    assert [(r["reference"], r["gathered"]) for r in rows] == [(lead.reference, 2)]
    assert rows[0]["summary"].endswith("(gathered 2 more reports)")


def test_a_merged_report_is_not_reopened_but_unmerged(riverside, cro):
    lead, other = light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[other])
    with pytest.raises(ValidationError, match="undo the merge"):
        services.reopen_concern(concern=other, by=cro, reason="Still dark.")
    # Nor offered on its page: undoing the merge is the way back.
    other.refresh_from_db()
    assert "reopen" not in steps.available(cro, other)


def test_a_merged_residents_status_page_follows_the_lead(riverside, cro):
    from concerns.status import public_status

    lead, other = light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[other])
    other.refresh_from_db()
    # Merged, the report itself is closed; the resident still sees the work going on.
    assert other.status == "resolved"
    shown = public_status(other)
    assert shown.reference == other.reference and shown.status == "received"
    assert shown.joined and "Joined with other reports" in [name for name, _ in shown.steps][1]
    services.resolve_concern(concern=lead, by=cro, resolution="Public Works replaced the lamp.")
    lead.refresh_from_db()
    lead.public_note = "The lamp was replaced."
    lead.save(update_fields=["public_note"])
    shown = public_status(other)
    assert shown.status == "resolved" and shown.note == "The lamp was replaced."
    assert [name for name, _ in shown.steps][-1] == "Resolved"


def test_the_dashboard_and_the_annual_report_count_a_lead_once_as_sql_does(riverside, cro):
    from django.db import connection

    from desk.dashboard import Period, concern_figures, trends
    from reports.builders.annual import annual

    lead, other, third = light(riverside), light(riverside), light(riverside)
    ConcernFactory(category="quality_of_life", summary="Graffiti", date_received=D)
    duplicates.merge(by=cro, lead=lead, others=[other, third])
    year = (dt.date(D.year, 1, 1), dt.date(D.year, 12, 31))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM concerns_concern "
            "WHERE duplicate_of_id IS NULL AND date_received BETWEEN %s AND %s",
            year,
        )
        (expected,) = cursor.fetchone()
    assert expected == 2
    figures = concern_figures(Period("year", *year), D)
    assert figures["new"]["this"] == expected
    assert sum(trends(D)["totals"]) == expected
    assert annual(*year)["received"] == expected


@pytest.mark.django_db
def test_the_candidates_of_a_place_are_read_through_category_and_area_together():
    """concern_category_area_idx: the same category in the same area over a month, read
    straight from one index. Without it PostgreSQL ANDed the category's index with the
    whole area's, 11.9 ms at a million concerns on every concern page and intake check
    (docs/PERFORMANCE.md)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'concern_category_area_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "(category, defined_area_id, date_received DESC)" in definition
