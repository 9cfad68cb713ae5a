"""The duplicates pages (issue 22): every role, bad input, double submit, constant queries."""

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Area
from concerns import duplicates, lookalikes
from concerns.models import Concern
from core.roles import Role
from tests.factories import ConcernFactory, UserFactory


@pytest.fixture
def riverside(db):
    return Area.objects.create(code="B7", name="Riverside", kind="beat")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="t-admin", is_superuser=True, is_staff=True)


def light(area, **fields):
    return ConcernFactory(
        category="street_lighting",
        defined_area=area,
        summary=fields.pop("summary", "Street light out on Elm St"),
        date_received=fields.pop("date_received", timezone.localdate()),
        **fields,
    )


# A beat as a department's map exports it: a ring of many points.
TRACED = {
    "type": "Polygon",
    "coordinates": [
        [
            [
                -88.1 + 0.01 * math.cos(2 * math.pi * i / 500),
                41.6 + 0.01 * math.sin(2 * math.pi * i / 500),
            ]
            for i in [*range(500), 0]
        ]
    ],
}


def merge_url(concern):
    return reverse("concerns:merge", args=[concern.reference])


@pytest.mark.parametrize("who", ["cro", "admin"])
def test_merge_page_allowed(client_for, riverside, cro, admin_user, who):
    lead, other = light(riverside), light(riverside)
    user = cro if who == "cro" else admin_user
    client = client_for(user)
    page = client.get(merge_url(lead))
    assert page.status_code == 200
    assert other.reference in page.content.decode()  # offered among the candidates
    answer = client.post(merge_url(lead), {"references": other.reference, "revision": 1})
    assert answer.status_code == 302
    other.refresh_from_db()
    assert other.duplicate_of == lead


@pytest.mark.parametrize("who", ["officer", "supervisor", "chief"])
def test_merge_page_forbidden(client_for, riverside, personas, who):
    user = personas[who]
    lead, other = light(riverside, reported_by=user), light(riverside)
    client = client_for(user)
    assert client.get(merge_url(lead)).status_code == 403
    answer = client.post(merge_url(lead), {"references": other.reference})
    assert answer.status_code == 403
    other.refresh_from_db()
    assert other.duplicate_of is None


def test_merge_page_anonymous_to_login(client, riverside):
    lead = light(riverside)
    answer = client.get(merge_url(lead))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_unmerge_and_dismiss_are_post_only(client_for, riverside, cro):
    lead = light(riverside)
    client = client_for(cro)
    assert client.get(reverse("concerns:unmerge", args=[lead.reference])).status_code == 405
    assert client.get(reverse("concerns:not-a-duplicate", args=[lead.reference])).status_code == 405


@pytest.mark.parametrize("case", ["unknown", "self", "conduct", "already", "not-a-reference"])
def test_merge_bad_input_keeps_what_was_typed(client_for, riverside, cro, case):
    lead = light(riverside)
    if case == "unknown":
        typed, message = "CR-2099-99999", "There is no concern CR-2099-99999"
    elif case == "self":
        typed, message = lead.reference, "is the concern that leads"
    elif case == "conduct":
        typed = ConcernFactory(category="conduct_bias").reference
        message = "examined on its own"
    elif case == "already":
        other = light(riverside)
        duplicates.merge(by=cro, lead=light(riverside), others=[other])
        typed, message = other.reference, "already merged"
    else:
        typed, message = "Elm St light", "is not a reference"
    answer = client_for(cro).post(merge_url(lead), {"references": typed, "revision": 1})
    assert answer.status_code == 400
    body = answer.content.decode()
    assert message in body
    assert f'value="{typed}"' in body
    assert not Concern.objects.filter(duplicate_of=lead).exists()


def test_merge_double_submit_merges_once(client_for, riverside, cro):
    lead, other = light(riverside), light(riverside)
    client = client_for(cro)
    for _ in range(2):
        answer = client.post(merge_url(lead), {"references": other.reference, "revision": 1})
        assert answer.status_code == 302
    assert lead.updates.filter(kind="merged").count() == 1


def test_concern_page_panel_for_each_side(client_for, riverside, cro, chief):
    lead, other = light(riverside), light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[other])
    cro_client = client_for(cro)
    page = cro_client.get(lead.get_absolute_url()).content.decode()
    assert "Gathered 1 more report" in page and other.reference in page
    assert "Merge other reports into this one" in page
    page = cro_client.get(other.get_absolute_url()).content.decode()
    assert f'Merged into <a href="{lead.get_absolute_url()}">{lead.reference}</a>' in page
    assert "Undo the merge" in page
    # The Chief reads only: the panel, no merge form, no undo.
    page = client_for(chief).get(lead.get_absolute_url()).content.decode()
    assert "Gathered 1 more report" in page and "Merge other reports" not in page
    page = client_for(chief).get(other.get_absolute_url()).content.decode()
    assert "Merged into" in page and "Undo the merge" not in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_concern_page_queries_do_not_grow_with_gathered_reports(client_for, riverside, cro):
    lead = light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[light(riverside)])
    client = client_for(cro)
    client.get(lead.get_absolute_url())
    few = _queries(client, lead.get_absolute_url())
    duplicates.merge(by=cro, lead=lead, others=[light(riverside) for _ in range(8)])
    for _ in range(4):
        light(riverside)  # more candidates too
    assert _queries(client, lead.get_absolute_url()) == few


def test_concern_list_marks_merged_with_constant_queries(client_for, riverside, cro):
    lead = light(riverside)
    duplicates.merge(by=cro, lead=lead, others=[light(riverside)])
    client = client_for(cro)
    url = reverse("concerns:list")
    client.get(url)
    few = _queries(client, url)
    duplicates.merge(by=cro, lead=lead, others=[light(riverside) for _ in range(6)])
    assert _queries(client, url) == few
    page = client.get(url).content.decode()
    assert page.count(f"merged into {lead.reference}") == 7


def test_possible_duplicates_queue(client_for, riverside, cro, officer):
    lead, other = light(riverside), light(riverside)
    Concern.objects.filter(pk=other.pk).update(possible_duplicate_of=lead)
    url = reverse("concerns:possible-duplicates")
    assert client_for(officer).get(url).status_code == 403
    client = client_for(cro)
    page = client.get(url).content.decode()
    assert other.reference in page and f"Merge into {lead.reference}" in page
    answer = client.post(
        reverse("concerns:not-a-duplicate", args=[other.reference]), {"next": "queue"}
    )
    assert answer.status_code == 302 and answer["Location"] == url
    client.get(url)  # the message is shown once
    assert other.reference not in client.get(url).content.decode()


def test_possible_duplicates_queue_queries_constant(client_for, riverside, cro):
    lead = light(riverside)
    client = client_for(cro)
    url = reverse("concerns:possible-duplicates")
    ConcernFactory.create_batch(2, possible_duplicate_of=lead, date_received=lead.date_received)
    client.get(url)
    few = _queries(client, url)
    ConcernFactory.create_batch(6, possible_duplicate_of=lead, date_received=lead.date_received)
    assert _queries(client, url) == few


def test_possible_duplicates_queue_reads_what_it_shows(client_for, cro):
    """Its rows as a list reads them, and of each lead what the last cell shows: no
    description, search words or area boundary, which it read for every row before."""
    beat = Area.objects.create(code="B3", name="Old Town", kind="beat", boundary=TRACED)
    lead = light(beat, summary="Street light out on Elm St")
    for _ in range(3):
        light(beat, possible_duplicate_of=lead)
    with CaptureQueriesContext(connection) as queries:
        page = client_for(cro).get(reverse("concerns:possible-duplicates"))
    rows = [q["sql"] for q in queries.captured_queries if "possible_duplicate_of_id" in q["sql"]]
    assert rows and not [
        sql
        for sql in rows
        for column in ('"description"', '"search_vector"', '"boundary"')
        if f'"concerns_concern".{column}' in sql or f'"accounts_area".{column}' in sql
    ]
    text = page.content.decode()
    assert text.count(f"Merge into {lead.reference}") == 3
    assert f'name="revision" value="{lead.revision}"' in text
    assert "B3 · Old Town" in text or "Old Town" in text


def test_officer_sees_no_merge_form_on_own_concern(client_for, riverside, officer):
    lead = light(riverside, reported_by=officer)
    light(riverside, reported_by=officer)
    page = client_for(officer).get(lead.get_absolute_url()).content.decode()
    assert "Merge other reports" not in page


def test_training_officer_forbidden(client_for, riverside, db):
    user = UserFactory(username="t-trainer2", roles=[Role.TRAINING_OFFICER])
    lead = light(riverside, reported_by=user, date_received=timezone.localdate() - dt.timedelta(1))
    assert client_for(user).get(merge_url(lead)).status_code == 403


def test_duplicate_offer_lists_candidates_with_none_by_default(riverside, cro):
    from django.template.loader import render_to_string

    lead = light(riverside)
    offer = lookalikes.offer_for(
        {
            "category": "street_lighting",
            "defined_area": riverside,
            "summary": "Streetlight out on Elm",
            "date_received": lead.date_received,
        },
        user=cro,
    )
    html = render_to_string("concerns/_duplicate_offer.html", {"offer": offer, "same_as": ""})
    assert f'value="{lead.reference}"' in html and "Riverside" in html
    assert 'id="same-as-none" value="" checked' in html
    assert "None of these: log a new concern" in html
    chosen = render_to_string(
        "concerns/_duplicate_offer.html", {"offer": offer, "same_as": lead.reference}
    )
    assert f'value="{lead.reference}" checked' in chosen
    assert render_to_string("concerns/_duplicate_offer.html", {"offer": []}).strip() == ""
