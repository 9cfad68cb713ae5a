"""The areas pages (issue 22): who may use them, the list and the form, deactivation, and
the matching page that puts many typed places in an area at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Area
from concerns.models import Concern
from outreach.models import CommunityOrganization, OutreachActivity
from tests.accounts.areas_helpers import make_area, square
from tests.factories import ActivityFactory, ConcernFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["accounts:areas", "accounts:area-new", "accounts:area-import", "accounts:area-match"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="t-admin", is_staff=True, is_superuser=True)


@pytest.mark.parametrize("name", PAGES)
def test_areas_pages_answer_the_cro_and_administrators_only(
    client, client_for, name, cro, admin_user, officer, chief, supervisor
):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    for user in (officer, supervisor, chief):
        assert client_for(user).get(url).status_code == 403
    for user in (cro, admin_user):
        assert client_for(user).get(url).status_code == 200


def test_area_form_adds_edits_and_shows_model_errors(client_for, cro):
    client = client_for(cro)
    sector = make_area("S1", "Sector 1", kind="sector")
    data = {"name": "Beat 1", "code": "B1", "kind": "beat", "parent": sector.pk, "is_active": "on"}
    response = client.post(reverse("accounts:area-new"), {**data, "boundary": ""})
    assert response.status_code == 302
    beat = Area.objects.get(code="B1")
    assert beat.parent == sector and beat.boundary is None
    # A sector cannot go inside its own beat: the beat is not offered, and a forged choice
    # is refused.
    response = client.post(
        reverse("accounts:area-edit", args=[sector.pk]),
        {"name": "Sector 1", "code": "S1", "kind": "sector", "parent": beat.pk},
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    # Bad boundary text re-renders with what was typed.
    response = client.post(
        reverse("accounts:area-edit", args=[beat.pk]),
        {**data, "boundary": '{"type": "Point", "coordinates": [1, 2]}'},
    )
    assert response.status_code == 200
    assert "not Point" in response.content.decode()
    response = client.post(
        reverse("accounts:area-edit", args=[beat.pk]),
        {
            **data,
            "boundary": '{"type": "Polygon", "coordinates": [[[-88.1, 41.6], [-88.0, 41.6], '
            "[-88.0, 41.7], [-88.1, 41.6]]]}",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    beat.refresh_from_db()
    assert beat.max_latitude == 41.7


def test_area_deactivate_is_post_only_and_keeps_records(client_for, cro):
    client = client_for(cro)
    beat = make_area("B1", "Beat 1", boundary=square())
    concern = ConcernFactory(area="Beat 1", defined_area=beat)
    url = reverse("accounts:area-active", args=[beat.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"active": "0"}).status_code == 302
    beat.refresh_from_db()
    concern.refresh_from_db()
    assert not beat.is_active and concern.defined_area == beat
    page = client.get(reverse("accounts:areas")).content.decode()
    assert "Activate Beat 1" in page
    client.post(url, {"active": "1"})
    beat.refresh_from_db()
    assert beat.is_active


def test_matching_page_lists_typed_places_with_counts_and_suggestions(client_for, cro):
    beat = make_area("B3", "Beat 3")
    maple = make_area("MH", "Maple Heights", kind="neighbourhood")
    ConcernFactory.create_batch(3, area="Beat 3 (downtown)")
    ConcernFactory(area="Mapel Heights")
    ConcernFactory(area="Placed already", defined_area=beat)
    OrganizationFactory(area="Beat 3 (downtown)")
    ActivityFactory(area="Westgate mall")
    ActivityFactory(area="")
    response = client_for(cro).get(reverse("accounts:area-match"))
    rows = {row.value: row for row in response.context["unplaced"]}
    assert list(rows) == ["Beat 3 (downtown)", "Mapel Heights", "Westgate mall"]
    assert rows["Beat 3 (downtown)"].cells == [3, 0, 1]
    assert rows["Beat 3 (downtown)"].suggestion == beat
    assert rows["Mapel Heights"].suggestion == maple
    assert rows["Westgate mall"].suggestion is None
    assert rows["Westgate mall"].cells == [0, 1, 0]


def test_matching_page_assigns_ticked_places_to_one_area_with_one_update_each(client_for, cro):
    beat = make_area("B3", "Beat 3")
    ConcernFactory.create_batch(5, area="400 block of Elm St")
    ConcernFactory.create_batch(2, area="Elm & 4th")
    ConcernFactory(area="Elm & 4th", defined_area=make_area("B9", "Beat 9"))
    untouched = ConcernFactory(area="Harbor Road")
    activity = ActivityFactory(area="Elm & 4th")
    client = client_for(cro)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("accounts:area-match"),
            {"action": "assign", "value": ["400 block of Elm St", "Elm & 4th"], "area": beat.pk},
        )
    assert response.status_code == 302
    tables = ('UPDATE "concerns_concern"', 'UPDATE "outreach_')
    updates = [q["sql"] for q in queries if q["sql"].startswith(tables)]
    # Two values, three kinds of record: six statements, whatever the number of rows.
    assert len(updates) == 6
    assert Concern.objects.filter(defined_area=beat).count() == 7
    assert Concern.objects.get(defined_area__code="B9").area == "Elm & 4th"  # kept its own
    untouched.refresh_from_db()
    activity.refresh_from_db()
    assert untouched.defined_area is None and activity.defined_area == beat
    # Who asked is on the trail, with the places and the area.
    from audit.models import AuditEvent

    event = AuditEvent.objects.filter(detail__startswith="Typed places put in areas").get()
    assert event.actor == cro
    assert event.detail == "Typed places put in areas: 400 block of Elm St → B3; Elm & 4th → B3"


def test_matching_page_needs_an_area_and_a_tick(client_for, cro):
    make_area("B3", "Beat 3")
    ConcernFactory(area="Elm")
    client = client_for(cro)
    response = client.post(reverse("accounts:area-match"), {"action": "assign", "value": ["Elm"]})
    assert response.status_code == 200
    assert "Choose the area to put the ticked places in." in response.content.decode()
    beat = Area.objects.get(code="B3")
    response = client.post(reverse("accounts:area-match"), {"action": "assign", "area": beat.pk})
    assert "Tick at least one typed place." in response.content.decode()
    beat.is_active = False
    beat.save()
    response = client.post(
        reverse("accounts:area-match"), {"action": "assign", "area": beat.pk, "value": ["Elm"]}
    )
    assert response.status_code == 200  # an inactive area is not a valid choice
    assert Concern.objects.get().defined_area is None


def test_matching_page_accepts_suggestions_ticked_or_all(client_for, cro):
    beat = make_area("B3", "Beat 3")
    maple = make_area("MH", "Maple Heights", kind="neighbourhood")
    ConcernFactory(area="Beat 3 (downtown)")
    ConcernFactory(area="Mapel Heights")
    ConcernFactory(area="Westgate mall")
    org = OrganizationFactory(area="Maple Heights")
    client = client_for(cro)
    client.post(
        reverse("accounts:area-match"), {"action": "accept", "value": ["Beat 3 (downtown)"]}
    )
    assert Concern.objects.get(area="Beat 3 (downtown)").defined_area == beat
    assert Concern.objects.get(area="Mapel Heights").defined_area is None
    client.post(reverse("accounts:area-match"), {"action": "accept"})
    assert Concern.objects.get(area="Mapel Heights").defined_area == maple
    org.refresh_from_db()
    assert org.defined_area == maple
    assert Concern.objects.get(area="Westgate mall").defined_area is None


def test_matching_page_forbidden_to_others_on_post(client_for, officer, chief):
    beat = make_area("B3", "Beat 3")
    ConcernFactory(area="Elm")
    for user in (officer, chief):
        response = client_for(user).post(
            reverse("accounts:area-match"), {"action": "assign", "value": ["Elm"], "area": beat.pk}
        )
        assert response.status_code == 403
    assert Concern.objects.get().defined_area is None


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_matching_page_and_areas_list_queries_do_not_grow_with_rows(client_for, cro):
    client = client_for(cro)
    sector = make_area("S1", "Sector 1", kind="sector")
    make_area("B1", "Beat 1", parent=sector)
    ConcernFactory(area="Elm 1")
    OrganizationFactory(area="Elm 1")
    match, areas = reverse("accounts:area-match"), reverse("accounts:areas")
    few = (_count_queries(client, match), _count_queries(client, areas))
    for i in range(30):
        ConcernFactory(area=f"Elm {i}")
        ActivityFactory(area=f"Oak {i}")
        make_area(f"B{i + 10}", f"Beat {i + 10}", parent=sector)
    many = (_count_queries(client, match), _count_queries(client, areas))
    assert many == few


def test_matching_page_shows_at_most_a_bounded_number_of_places(client_for, cro, monkeypatch):
    from accounts import areas

    monkeypatch.setattr(areas, "MAX_VALUES", 3)
    monkeypatch.setattr(areas, "COUNT_CAP", 2)
    for i in range(5):
        ConcernFactory.create_batch(3, area=f"Place {i}")
    response = client_for(cro).get(reverse("accounts:area-match"))
    rows = response.context["unplaced"]
    assert [r.value for r in rows] == ["Place 0", "Place 1", "Place 2"]
    assert rows[0].cells[0] == 2  # counted up to the cap
    assert response.context["more"] is True
    assert "2+" in response.content.decode()


def test_area_admin_lists_and_validates(client_for, admin_user):
    make_area("B1", "Beat 1", boundary=square())
    client = client_for(admin_user)
    assert client.get(reverse("admin:accounts_area_changelist")).status_code == 200
    response = client.post(
        reverse("admin:accounts_area_add"),
        {"name": "Bad", "code": "X", "kind": "beat", "boundary": '{"type": "Point"}'},
    )
    assert response.status_code == 200 and not Area.objects.filter(code="X").exists()


def test_placed_models_are_the_three_kinds_of_record():
    from accounts.areas import PLACED, _placed_model

    assert [_placed_model(name) for name in PLACED] == [
        Concern,
        OutreachActivity,
        CommunityOrganization,
    ]


def test_matching_page_leaves_the_updates_to_a_background_task(client_for, cro, database_tasks):
    from django_tasks_db.models import DBTaskResult

    beat = make_area("B3", "Beat 3")
    ConcernFactory.create_batch(3, area="Elm")
    response = client_for(cro).post(
        reverse("accounts:area-match"), {"action": "assign", "value": ["Elm"], "area": beat.pk}
    )
    assert response.status_code == 302
    # The page answered without touching the records; the worker will.
    assert not Concern.objects.filter(defined_area=beat).exists()
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == "accounts.areas.assign_places"
    from accounts.areas import assign_places

    assert assign_places.call(cro.pk, [["Elm", beat.pk]]) == 3
    assert Concern.objects.filter(defined_area=beat).count() == 3
