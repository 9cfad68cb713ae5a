"""What a 311 read may show (issue 21): only the public doors and the 311 services, the place
at its block, a random public id and never the internal reference; more only for a key an
administrator gave the agency scope."""

import datetime as dt
import json
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from concerns import intake, open311
from concerns.models import Concern, Open311Key
from tests.factories import AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_DOORS = {"open311", "web_form"}


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


@pytest.fixture
def admin_user(db):
    return UserFactory(username="t-root", dsn="9999", is_staff=True, is_superuser=True)


def url(name, fmt="json", **kwargs):
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def keyed(cro, scope=None, admin=None):
    key, raw = open311.issue_key(by=cro, name="A 311 system")
    if scope:
        open311.set_key_scope(key=key, scope=scope, by=admin)
    return raw


def listed(client, **params) -> dict[str, dict]:
    response = client.get(url("requests"), params)
    assert response.status_code == 200, response.content
    return {row["service_request_id"]: row for row in response.json()}


# --- Doors and services ---------------------------------------------------------------


@pytest.mark.parametrize("door", Concern.SourceType.values)
def test_keyless_list_shows_only_the_public_doors(client, door):
    concern = ConcernFactory(source_type=door, category="noise", area="14 Birch Lane")
    rows = listed(client)
    assert (str(concern.public_id) in rows) is (door in PUBLIC_DOORS)
    single = client.get(url("request", request_id=str(concern.public_id)))
    assert single.status_code == (200 if door in PUBLIC_DOORS else 404)


def test_keyless_list_shows_no_conduct_concern_from_a_public_door(client):
    conduct = ConcernFactory(source_type="web_form", category="conduct_bias")
    noise = ConcernFactory(source_type="web_form", category="noise")
    assert set(listed(client)) == {str(noise.public_id)}
    assert client.get(url("request", request_id=str(conduct.public_id))).status_code == 404


def test_each_door_of_the_intake_sets_a_random_public_id(client, officer, cro):
    """The officer's intake, the public form, 311 and an import: each concern gets its own
    version-4 id, unrelated to the order of the references."""
    today = timezone.localdate()
    logged, _ = intake.log_concern(
        by=officer,
        data={
            "date_received": today,
            "source_type": "citizen",
            "category": "noise",
            "area": "14 Birch Lane",
            "summary": "Music at night",
            "description": "Music at night.",
        },
    )
    form, _ = intake.submit_public_concern(
        data={"category": "noise", "area": "14 Birch Lane", "description": "Music."},
        client="test",
    )
    key, _raw = open311.issue_key(by=cro, name="City 311 system")
    sent = open311.submit_open311_request(
        key=key, data={"service_code": "noise", "address_string": "14 Birch Lane"}
    )
    imported = Concern(
        date_received=today,
        source_type="citizen",
        category="noise",
        area="Elm Street",
        summary="Old",
        description="Old.",
    )
    intake.receive_many([imported], lines=[[]])
    concerns = [logged, form, sent, imported]
    ids = [Concern.objects.get(pk=c.pk).public_id for c in concerns]
    assert ids == [c.public_id for c in concerns]  # what the intake set is what was saved
    assert all(isinstance(i, uuid.UUID) and i.version == 4 for i in ids)
    assert len(set(ids)) == 4
    # The public reads name none of them by reference.
    body = client.get(url("requests")).content.decode()
    assert all(c.reference not in body for c in concerns)
    assert str(form.public_id) in body and str(sent.public_id) in body
    assert str(logged.public_id) not in body and str(imported.public_id) not in body


def test_a_concern_inserted_by_sql_gets_a_public_id_from_the_database():
    concern = ConcernFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE concerns_concern SET public_id = DEFAULT WHERE id = %s RETURNING public_id",
            [concern.pk],
        )
        [(fresh,)] = cursor.fetchall()
    assert fresh and fresh != concern.public_id


# --- The internal reference is never public -------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_reference_is_not_found_and_never_shown(client, fmt):
    concern = ConcernFactory(source_type="open311", reference="CR-2026-0007")
    response = client.get(url("request", fmt, request_id="CR-2026-0007"))
    assert response.status_code == 404
    assert client.get(url("requests", fmt), {"service_request_id": "CR-2026-0007"}).content in (
        b"[]",
        b'<?xml version="1.0" encoding="utf-8"?>\n<service_requests />',
    )
    for path in (url("requests", fmt), url("request", fmt, request_id=str(concern.public_id))):
        response = client.get(path)
        assert response.status_code == 200
        assert "CR-2026" not in response.content.decode()


def test_gaps_reveal_nothing(client, cro):
    """The finding: eight conduct concerns were the eight numbers missing from the feed.
    Public ids are random, so the feed has no order to have gaps in."""
    key, _raw = open311.issue_key(by=cro, name="City 311 system")
    ids = []
    for n in range(6):
        if n % 2:
            ConcernFactory(source_type="web_form", category="conduct_bias")
        data = {"service_code": "noise", "address_string": f"{n + 1}0 Elm St"}
        ids.append(str(open311.submit_open311_request(key=key, data=data).public_id))
    shown = listed(client)
    assert set(shown) == set(ids)
    assert all("CR-" not in json.dumps(row) for row in shown.values())


# --- The place ------------------------------------------------------------------------


def test_place_is_shown_at_its_block_in_the_list_and_the_single_read(client):
    concern = ConcernFactory(source_type="open311", area="14 Birch Lane, Apt 2")
    [row] = listed(client).values()
    assert row["address"] == "0 block of Birch Lane"
    single = client.get(url("request", request_id=str(concern.public_id))).json()
    assert single[0]["address"] == "0 block of Birch Lane"
    xml = client.get(url("requests", "xml")).content.decode()
    assert "<address>0 block of Birch Lane</address>" in xml
    for body in (json.dumps(row), json.dumps(single), xml):
        assert "14 Birch" not in body and "Apt" not in body


def test_a_place_with_nothing_public_has_no_address(client):
    ConcernFactory(source_type="open311", area="PO Box 12")
    [row] = listed(client).values()
    assert row["address"] is None


# --- Keys and their scope -------------------------------------------------------------


def test_a_new_key_reads_as_the_public(client, cro):
    raw = keyed(cro)
    assert Open311Key.objects.get().scope == "public"
    officer_door = ConcernFactory(source_type="citizen", area="14 Birch Lane")
    public_door = ConcernFactory(source_type="web_form", area="14 Birch Lane")
    rows = listed(client, api_key=raw)
    assert set(rows) == {str(public_door.public_id)}
    assert rows[str(public_door.public_id)]["address"] == "0 block of Birch Lane"
    assert "agency_reference" not in rows[str(public_door.public_id)]
    by_reference = client.get(url("request", request_id=officer_door.reference), {"api_key": raw})
    assert by_reference.status_code == 404
    # The same answer as without a key, apart from who may cache it.
    assert client.get(url("requests"), {"api_key": raw}).json() == list(listed(client).values())


def test_an_existing_key_has_the_public_scope_after_the_migration(cro):
    """The column's database default is the narrow scope: a key made before it existed
    (inserted here without it) reads as the public."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO concerns_open311key (name, prefix, key_hash, created_by_id, created_at)"
            " VALUES ('Old', 'abcdefgh', %s, %s, now()) RETURNING scope",
            ["0" * 64, cro.pk],
        )
        assert cursor.fetchone() == ("public",)


def test_an_agency_key_reads_every_door_the_exact_place_and_the_reference(client, cro, admin_user):
    raw = keyed(cro, "agency", admin_user)
    officer_door = ConcernFactory(source_type="citizen", area="14 Birch Lane")
    conduct = ConcernFactory(source_type="web_form", category="conduct_bias")
    rows = listed(client, api_key=raw)
    assert set(rows) == {str(officer_door.public_id)}  # conduct never, whatever the key
    row = rows[str(officer_door.public_id)]
    assert row["address"] == "14 Birch Lane"
    assert row["agency_reference"] == officer_door.reference
    for request_id in (officer_door.reference, str(officer_door.public_id)):
        response = client.get(url("request", request_id=request_id), {"api_key": raw})
        assert response.status_code == 200
        assert response.json()[0]["agency_reference"] == officer_door.reference
    response = client.get(url("request", request_id=conduct.reference), {"api_key": raw})
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_bad_or_revoked_key_on_a_read_is_refused(client, cro, fmt):
    raw = keyed(cro)
    response = client.get(url("requests", fmt), {"api_key": "not-a-key"})
    assert response.status_code == 403
    open311.revoke_key(key=Open311Key.objects.get(), by=cro)
    response = client.get(url("requests", fmt), {"api_key": raw})
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_only_an_administrator_sets_the_scope(cro, admin_user):
    key, _raw = open311.issue_key(by=cro, name="City 311 system")
    with pytest.raises(PermissionDenied):
        open311.set_key_scope(key=key, scope="agency", by=cro)
    key.refresh_from_db()
    assert key.scope == "public"
    open311.set_key_scope(key=key, scope="agency", by=admin_user)
    key.refresh_from_db()
    assert key.scope == "agency"


def test_admin_site_changes_the_scope_and_nothing_else(client_for, cro, admin_user):
    key, _raw = open311.issue_key(by=cro, name="City 311 system")
    change = reverse("admin:concerns_open311key_change", args=[key.pk])
    client = client_for(admin_user)
    response = client.post(change, {"scope": "agency", "name": "Renamed"})
    assert response.status_code == 302, response.content.decode()[:2000]
    key.refresh_from_db()
    assert (key.scope, key.name) == ("agency", "City 311 system")


def test_key_page_shows_each_key_scope(client_for, cro, admin_user):
    keyed(cro, "agency", admin_user)
    page = client_for(cro).get(reverse("concerns:open311-keys")).content.decode()
    assert "Agency: every door, exact places" in page
    assert "only an administrator can give a key that scope" in page


@pytest.mark.parametrize("scope", ["public", "agency"])
def test_keyed_list_query_count_is_flat(
    client, cro, admin_user, officer, django_assert_max_num_queries, scope
):
    raw = keyed(cro, scope if scope == "agency" else None, admin_user)
    for size in (3, 30):
        while Concern.objects.count() < size:
            ConcernFactory(source_type="open311", reported_by=officer, area="412 Elm St")
        # The key (read, last use) and the agency, then one query for the list.
        with django_assert_max_num_queries(4):
            response = client.get(url("requests"), {"api_key": raw})
        assert len(response.json()) == size


def test_old_requests_keep_their_public_id_across_reads(client):
    concern = ConcernFactory(
        source_type="open311", date_received=timezone.localdate() - dt.timedelta(days=3)
    )
    first = listed(client)
    second = listed(client)
    assert set(first) == set(second) == {str(concern.public_id)}
