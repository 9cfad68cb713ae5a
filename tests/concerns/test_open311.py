"""Open311 GeoReport v2: discovery, services, requests in and out, errors, keys.

What a public read may show (doors, places, public ids, key scopes) is proved in
test_open311_public.py; the protocol's edges (retries, body limits, CORS, NUL) in
test_open311_protocol.py."""

import datetime as dt
import hashlib
import json
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from concerns import open311
from concerns.models import Concern, ConcernUpdate, Open311Key
from tests.factories import AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db

FORMATS = ["json", "xml"]
REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "address",
    "lat",
    "long",
}
PUBLIC_CODES = {c for c, _ in Concern.Category.choices} - {"conduct_bias"}
FORM = "application/x-www-form-urlencoded; charset=utf-8"


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


def url(name, fmt, **kwargs):
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def xml(response):
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own output)


def body(response, fmt):
    return json.loads(response.content) if fmt == "json" else xml(response)


def error_code(response, fmt) -> int:
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        errors = json.loads(response.content)
        assert errors[0]["description"]
        return errors[0]["code"]
    assert response["Content-Type"].startswith("text/xml")
    root = xml(response)
    assert root.tag == "errors"
    assert root.findtext("error/description")
    return int(root.findtext("error/code"))


def request_form(key, **overrides):
    data = {
        "api_key": key,
        "service_code": "noise",
        "address_string": "400 Cedar Grove Ave",
        "first_name": "Jamie",
        "last_name": "Rivera",
        "email": "jamie@example.org",
        "phone": "555-0100",
        "description": "Loud music every night until 3 am.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, fmt, data):
    return client.post(url("requests", fmt), urlencode(data), content_type=FORM)


def public(**fields) -> Concern:
    """A concern that came in through a public door (311 unless said otherwise)."""
    fields.setdefault("source_type", "open311")
    return ConcernFactory(**fields)


def pid(concern: Concern) -> str:
    return str(concern.public_id)


def refs(public_ids) -> list[str]:
    """The references behind public ids, in their order: what a test can read."""
    known = {str(p): r for p, r in Concern.objects.values_list("public_id", "reference")}
    return [known[i] for i in public_ids]


def rows(response, fmt) -> list[dict]:
    """The requests of a GET answer, as dicts, whatever the format."""
    if fmt == "json":
        return json.loads(response.content)
    root = xml(response)
    assert root.tag == "service_requests"
    assert all(r.tag == "request" for r in root)
    return [{child.tag: child.text for child in r} for r in root]


# --- Discovery and services -----------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, settings, fmt):
    settings.CRD_SITE_URL = "https://crd.example.gov/"
    response = client.get(url("discovery", fmt))
    assert response.status_code == 200
    if fmt == "json":
        data = response.json()
        endpoint = data["endpoints"][0]
        formats = endpoint["formats"]
    else:
        root = xml(response)
        assert root.tag == "discovery"
        data = {child.tag: child.text for child in root}
        endpoint = {child.tag: child.text for child in root.find("endpoints/endpoint")}
        formats = [f.text for f in root.findall("endpoints/endpoint/formats/format")]
    assert data["changeset"] and data["contact"] and data["key_service"]
    assert "Testville Police Department" in data["contact"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://crd.example.gov/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["changeset"]
    assert set(formats) == {"text/xml", "application/json"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_public_category_and_the_complaint_process(client, fmt):
    response = client.get(url("services", fmt))
    assert response.status_code == 200
    text = response.content.decode()
    if fmt == "json":
        services = response.json()
    else:
        root = xml(response)
        assert root.tag == "services"
        services = [{c.tag: c.text for c in s} for s in root.findall("service")]
    assert {s["service_code"] for s in services} == PUBLIC_CODES
    assert "conduct_bias" not in text
    for service in services:
        assert service["service_name"] == Concern.Category(service["service_code"]).label
        assert service["description"]
        assert service["metadata"] in (False, "false")
        assert service["type"] == "realtime"
        assert service["keywords"]
        assert service["group"] == "Police community relations"
    police = next(s for s in services if s["service_code"] == "police_service")
    assert "conduct or bias" in police["description"]
    assert reverse("feedback") in police["description"]
    assert "(555) 010-0000" in police["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client, fmt):
    response = client.get(url("service", fmt, code="noise"))
    assert response.status_code == 200
    if fmt == "json":
        assert response.json() == {"service_code": "noise", "attributes": []}
    else:
        root = xml(response)
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "noise"
        assert list(root.find("attributes")) == []
    for code in ("conduct_bias", "potholes"):
        response = client.get(url("service", fmt, code=code))
        assert response.status_code == 404
        assert error_code(response, fmt) == 404


@pytest.mark.parametrize("path", ["discovery.html", "services.csv", "requests.txt"])
def test_unknown_format_is_404_in_the_error_format(client, path):
    response = client.get("/open311/v2/" + path)
    assert response.status_code == 404
    assert error_code(response, "xml") == 404


def test_method_not_allowed(client):
    response = client.put(url("requests", "json"))
    assert response.status_code == 405
    assert error_code(response, "json") == 405
    assert client.post(url("services", "xml")).status_code == 405


# --- POST a request -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_an_open311_concern(api_key, fmt):
    # An API with a key, not a cookie: CSRF does not apply.
    client = Client(enforce_csrf_checks=True)
    response = post(client, fmt, request_form(api_key))
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert concern.source_type == Concern.SourceType.OPEN311
    assert concern.category == "noise"
    assert concern.date_received == timezone.localdate()
    assert concern.area == "400 Cedar Grove Ave"
    assert concern.description == "Loud music every night until 3 am."
    # The specification has no summary: the description's first sentence stands for it.
    assert concern.summary == "Loud music every night until 3 am."
    assert concern.source_name == "Jamie Rivera"
    assert concern.source_contact == "jamie@example.org / 555-0100"
    assert concern.contact_email == "jamie@example.org"
    assert concern.consent_to_contact
    assert concern.language == "en"
    assert concern.nature == "actual"
    assert concern.status == "received"
    assert concern.reference.startswith(f"CR-{timezone.localdate().year}-")
    update = concern.updates.get()
    assert update.kind == ConcernUpdate.Kind.RECEIVED
    assert update.text == "Received from the city's 311 system."
    assert update.author is None
    [answer] = rows(response, fmt)
    assert set(answer) == {"service_request_id", "service_notice", "account_id"}
    # The public id, never the reference: references are sequential (issue 21).
    assert answer["service_request_id"] == pid(concern)
    assert concern.reference not in response.content.decode()
    assert "Received by Testville Police Department" in answer["service_notice"]
    assert answer["account_id"] is None
    assert Open311Key.objects.get().last_used_at is not None


def test_post_with_coordinates_only_and_no_email(client, api_key):
    data = request_form(
        api_key, address_string=None, email=None, lat="41.8818", long="-87.6232", media_url=""
    )
    assert post(client, "json", data).status_code == 200
    concern = Concern.objects.get()
    assert concern.area == "41.881800, -87.623200"
    assert concern.source_contact == "555-0100"
    assert concern.contact_email == ""
    assert not concern.consent_to_contact


def test_post_with_address_id_and_media_url(client, api_key):
    data = request_form(
        api_key, address_string=None, address_id="545483", media_url="https://x.example/1.jpg"
    )
    assert post(client, "xml", data).status_code == 200
    concern = Concern.objects.get()
    assert concern.area == "Address ID 545483"
    assert concern.description.endswith("Media: https://x.example/1.jpg")
    assert concern.summary == "Loud music every night until 3 am."


ERRORS = {
    "no key": ({"api_key": None}, 403),
    "wrong key": ({"api_key": "not-a-key"}, 403),
    "no service": ({"service_code": None}, 400),
    "unknown service": ({"service_code": "potholes"}, 404),
    "conduct": ({"service_code": "conduct_bias"}, 404),
    "no location": ({"address_string": None}, 400),
    "lat without long": ({"address_string": None, "lat": "41.88"}, 400),
    "lat out of range": ({"address_string": None, "lat": "141", "long": "-87"}, 400),
    "long description": ({"description": "x" * 4001}, 400),
    "bad email": ({"email": "not an address"}, 400),
    "bad media url": ({"media_url": "javascript:alert(1)"}, 400),
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ERRORS)
def test_post_errors(client, api_key, fmt, case):
    overrides, status = ERRORS[case]
    response = post(client, fmt, request_form(api_key, **overrides))
    assert response.status_code == status
    assert error_code(response, fmt) == status
    assert not Concern.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_error_descriptions_say_what_to_do(client, api_key, fmt):
    response = post(client, fmt, request_form(api_key, service_code="conduct_bias"))
    text = response.content.decode()
    assert "conduct or bias" in text and reverse("feedback") in text and "(555) 010-0000" in text
    response = post(client, fmt, request_form(api_key, address_string=""))
    assert "lat and long, or address_string, or address_id" in response.content.decode()


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_refused(client, cro, api_key, fmt):
    open311.revoke_key(key=Open311Key.objects.get(), by=cro)
    response = post(client, fmt, request_form(api_key))
    assert response.status_code == 403
    assert error_code(response, fmt) == 403
    assert "revoked" in response.content.decode()
    assert not Concern.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_rate_limit_per_key(client, cro, api_key, settings, fmt):
    settings.CRD_OPEN311_HOURLY_LIMIT = 2
    # A refused request uses none of the quota.
    assert post(client, fmt, request_form(api_key, service_code="")).status_code == 400
    for n in range(2):
        assert (
            post(client, fmt, request_form(api_key, description=f"Noise {n}.")).status_code == 200
        )
    response = post(client, fmt, request_form(api_key, description="Noise 3."))
    assert response.status_code == 429
    assert error_code(response, fmt) == 429
    assert Concern.objects.count() == 2
    # Another key has its own quota.
    _, other = open311.issue_key(by=cro, name="Residents' app")
    assert post(client, fmt, request_form(other)).status_code == 200


def test_get_requests_needs_no_key_but_post_does(client):
    assert client.get(url("requests", "json")).status_code == 200
    assert post(client, "json", {"service_code": "noise"}).status_code == 403


# --- GET requests ---------------------------------------------------------------------


@pytest.fixture
def seeded(officer):
    """One concern full of confidential details, one resolved, one conduct concern."""
    secret = public(
        reference="CR-2099-00001",
        source_type="web_form",
        category="noise",
        area="Cedar Grove Park",
        source_name="Zebediah Quillfeather",
        source_contact="zq-secret@example.org / 555-0199",
        contact_email="zq-secret@example.org",
        summary="Secretsummary of a neighbour dispute",
        description="Secretdescription about a neighbour.",
        suggestions="Secretsuggestion for patrols.",
        reporter_name="Sgt. Secretreporter",
        reported_by=officer,
        public_note="Patrols added on weekend nights.",
    )
    ConcernUpdate.objects.create(concern=secret, kind="note", author=officer, text="Secretnote")
    resolved = public(
        reference="CR-2099-00002",
        category="traffic",
        status="resolved",
        resolved_at=timezone.now(),
        reported_by=officer,
    )
    conduct = public(
        reference="CR-2099-00003",
        source_type="web_form",
        category="conduct_bias",
        area="Conductarea",
        description="Conductsecret",
        reported_by=officer,
    )
    return {"secret": secret, "resolved": resolved, "conduct": conduct}


SECRETS = [
    "Zebediah",
    "Quillfeather",
    "zq-secret",
    "555-0199",
    "Secretdescription",
    "Secretsummary",
    "Secretsuggestion",
    "Secretreporter",
    "Secretnote",
    "Conductsecret",
    "Conductarea",
    "Jamie",
    "Rivera",
    "jamie@example.org",
    "555-0100",
    "Loud music",
    # The internal references: sequential, their gaps would date the conduct concerns.
    "CR-2099-",
    "CR-20",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_fields_and_values(client, seeded, fmt):
    response = client.get(url("requests", fmt))
    assert response.status_code == 200
    listed = {refs([r["service_request_id"]])[0]: r for r in rows(response, fmt)}
    assert set(listed) == {"CR-2099-00001", "CR-2099-00002"}
    for row in listed.values():
        assert set(row) == REQUEST_FIELDS
    noise = listed["CR-2099-00001"]
    assert noise["status"] == "open"
    assert noise["status_notes"] == "Patrols added on weekend nights."
    assert noise["service_code"] == "noise"
    assert noise["service_name"] == "Noise"
    assert noise["agency_responsible"] == "Testville Police Department"
    assert noise["address"] == "Cedar Grove Park"
    requested = dt.datetime.fromisoformat(noise["requested_datetime"])
    assert requested.utcoffset() is not None
    assert requested == seeded["secret"].created_at.replace(microsecond=0)
    assert dt.datetime.fromisoformat(noise["updated_datetime"]).utcoffset() is not None
    traffic = listed["CR-2099-00002"]
    assert traffic["status"] == "closed"
    assert traffic["status_notes"] is None
    assert dt.datetime.fromisoformat(traffic["updated_datetime"]) == seeded[
        "resolved"
    ].resolved_at.replace(microsecond=0)


@pytest.mark.parametrize("fmt", FORMATS)
def test_single_request(client, seeded, fmt):
    response = client.get(url("request", fmt, request_id=pid(seeded["secret"])))
    assert response.status_code == 200
    [row] = rows(response, fmt)
    assert set(row) == REQUEST_FIELDS
    assert row["service_request_id"] == pid(seeded["secret"])
    assert row["status_notes"] == "Patrols added on weekend nights."
    # An unknown id, and the concern's own reference: neither is found by the public.
    for unknown in ("9b2e4c1a-0000-4000-8000-000000000000", "CR-2099-00001"):
        response = client.get(url("request", fmt, request_id=unknown))
        assert response.status_code == 404
        assert error_code(response, fmt) == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_conduct_concern_never_appears(client, seeded, fmt):
    conduct, secret = pid(seeded["conduct"]), pid(seeded["secret"])
    response = client.get(url("request", fmt, request_id=conduct))
    assert response.status_code == 404
    assert error_code(response, fmt) == 404
    for params in ({}, {"service_request_id": f"{conduct},{secret}"}, {"status": "open"}):
        response = client.get(url("requests", fmt), params)
        assert conduct not in response.content.decode()
    response = client.get(url("requests", fmt), {"service_code": "conduct_bias"})
    assert response.status_code == 400
    assert conduct not in response.content.decode()


def test_no_confidential_field_in_any_answer(client, api_key, seeded):
    post_bodies = [
        post(client, fmt, request_form(api_key, description=f"Loud music, {fmt}.")).content
        for fmt in FORMATS
    ]
    created = [pid(c) for c in Concern.objects.exclude(reference__startswith="CR-2099-")]
    assert len(created) == 2
    bodies = list(post_bodies)
    for fmt in FORMATS:
        bodies.append(client.get(url("requests", fmt)).content)
        ids = ",".join([pid(seeded["secret"]), pid(seeded["conduct"]), *created])
        bodies.append(client.get(url("requests", fmt), {"service_request_id": ids}).content)
        for request_id in (pid(seeded["secret"]), pid(seeded["conduct"]), *created):
            bodies.append(client.get(url("request", fmt, request_id=request_id)).content)
        bodies.append(client.get(url("services", fmt)).content)
        bodies.append(client.get(url("discovery", fmt)).content)
    # The 311 requests are listed (at their block), but nothing of the person.
    assert all(public_id.encode() in bodies[2] for public_id in created)
    assert b"400 block of Cedar Grove Ave" in bodies[2] and b"400 Cedar" not in bodies[2]
    for content in bodies:
        text = content.decode()
        for secret in SECRETS:
            assert secret not in text, secret


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters(client, seeded, officer, fmt):
    def ids(**params):
        response = client.get(url("requests", fmt), params)
        assert response.status_code == 200, response.content
        return set(refs(r["service_request_id"] for r in rows(response, fmt)))

    assert ids(status="open") == {"CR-2099-00001"}
    assert ids(status="closed") == {"CR-2099-00002"}
    assert ids(status="open,closed") == {"CR-2099-00001", "CR-2099-00002"}
    assert ids(service_code="traffic") == {"CR-2099-00002"}
    assert ids(service_code="noise,traffic") == {"CR-2099-00001", "CR-2099-00002"}
    closed = pid(seeded["resolved"])
    assert ids(service_request_id=closed) == {"CR-2099-00002"}
    # The ids override every other argument.
    assert ids(service_request_id=closed, status="open") == {"CR-2099-00002"}

    # Dates: an old concern is outside the default 90 days, inside its own window.
    now = timezone.now()
    old = public(
        reference="CR-2099-00010", date_received=timezone.localdate(now - dt.timedelta(days=120))
    )
    Concern.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=120))
    assert "CR-2099-00010" not in ids()
    window = {
        "start_date": (now - dt.timedelta(days=125)).isoformat(),
        "end_date": (now - dt.timedelta(days=115)).isoformat(),
    }
    assert ids(**window) == {"CR-2099-00010"}
    assert ids(start_date=(now - dt.timedelta(days=121)).strftime("%Y-%m-%dT%H:%M:%SZ")) == {
        "CR-2099-00010"
    }
    assert "CR-2099-00010" not in ids(start_date=(now - dt.timedelta(days=119)).isoformat())
    assert ids(end_date=(now - dt.timedelta(days=100)).isoformat()) == {"CR-2099-00010"}


def test_dates_are_compared_to_the_moment_requested(client):
    """Within a day the time counts; a concern logged days after it was received is
    requested at the start of the day received."""
    now = timezone.localtime()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0) - dt.timedelta(days=10)
    morning = public(reference="CR-2099-00020", date_received=noon.date())
    Concern.objects.filter(pk=morning.pk).update(created_at=noon - dt.timedelta(hours=2))
    evening = public(reference="CR-2099-00021", date_received=noon.date())
    Concern.objects.filter(pk=evening.pk).update(created_at=noon + dt.timedelta(hours=2))
    late = public(reference="CR-2099-00022", date_received=noon.date())
    Concern.objects.filter(pk=late.pk).update(created_at=noon + dt.timedelta(days=3))

    def ids(start, end):
        params = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        answer = client.get(url("requests", "json"), params).json()
        return set(refs(r["service_request_id"] for r in answer))

    day_start = noon.replace(hour=0)
    assert ids(noon, noon + dt.timedelta(hours=6)) == {"CR-2099-00021"}
    assert ids(noon - dt.timedelta(hours=6), noon) == {"CR-2099-00020"}
    assert ids(day_start, noon) == {"CR-2099-00020", "CR-2099-00022"}
    assert ids(day_start, day_start + dt.timedelta(days=1)) == {
        "CR-2099-00020",
        "CR-2099-00021",
        "CR-2099-00022",
    }
    [row] = client.get(url("request", "json", request_id=pid(late))).json()
    assert dt.datetime.fromisoformat(row["requested_datetime"]) == day_start


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"service_code": "potholes"},
        {"start_date": "yesterday"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_filters_are_400(client, params, fmt):
    response = client.get(url("requests", fmt), params)
    assert response.status_code == 400
    assert error_code(response, fmt) == 400


def test_list_is_capped_at_1000_newest_first(client, monkeypatch):
    monkeypatch.setattr(open311.reads, "MAX_RESULTS", 3)
    today = timezone.localdate()
    for n in range(5):
        public(reference=f"CR-2099-{n:05d}", date_received=today - dt.timedelta(days=n))
    listed = refs(r["service_request_id"] for r in client.get(url("requests", "json")).json())
    assert listed == ["CR-2099-00000", "CR-2099-00001", "CR-2099-00002"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_query_count_is_flat(client, officer, django_assert_max_num_queries, fmt):
    for size in (3, 30):
        while Concern.objects.count() < size:
            public(reported_by=officer, public_note="Note", area="412 Elm St")
        with django_assert_max_num_queries(2):
            response = client.get(url("requests", fmt))
        assert len(rows(response, fmt)) == size


def test_list_filter_uses_the_date_index(db):
    """At a million rows the list must read a date index, not the table: the range is
    asked of date_received, which an index can bound. Which index the planner takes for a
    test's few rows is its own choice (the reporter's, which also holds the date, once did
    in CI), so the plan is checked for the bound, not for an index's name."""
    from django.db import connection

    qs = open311.readable().filter(
        open311.in_range(timezone.now() - dt.timedelta(days=90), timezone.now())
    )
    sql, params = qs[:1000].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    bounds = [line for line in plan.splitlines() if "Index Cond" in line]
    assert "Seq Scan" not in plan, plan
    assert any("date_received >=" in b and "date_received <=" in b for b in bounds), plan


# --- The CRO's key page ---------------------------------------------------------------

KEYS = reverse("concerns:open311-keys")


@pytest.mark.parametrize(
    "persona,status",
    [
        ("cro", 200),
        ("chief", 403),
        ("supervisor", 403),
        ("officer", 403),
        ("training_officer", 403),
        ("outsider", 403),
    ],
)
def test_key_page_per_role(client_for, personas, persona, status):
    client = client_for(personas[persona])
    assert client.get(KEYS).status_code == status
    if status == 403:
        assert client.post(KEYS, {"name": "Sneaky"}).status_code == 403
        assert not Open311Key.objects.exists()


def test_key_page_sends_anonymous_to_login(client):
    response = client.get(KEYS)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_key_page_explains_the_discovery_url(client_for, cro, settings):
    settings.CRD_SITE_URL = "https://crd.example.gov"
    text = client_for(cro).get(KEYS).content.decode()
    assert "https://crd.example.gov/open311/v2/discovery.json" in text
    assert "No key yet" in text


def test_issue_shows_the_key_once_and_keeps_only_its_hash(client_for, cro):
    client = client_for(cro)
    response = client.post(KEYS, {"name": "City 311 system"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    key = Open311Key.objects.get()
    raw = response.context["new_key"]
    assert len(raw) >= 40
    assert raw in response.content.decode()
    assert key.name == "City 311 system"
    assert key.created_by == cro
    assert key.prefix == raw[:8]
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {key.name, key.prefix, key.key_hash}
    page = client.get(KEYS).content.decode()
    assert raw not in page
    assert key.prefix in page
    # The key works.
    assert post(Client(), "json", request_form(raw)).status_code == 200


def test_issue_needs_a_name(client_for, cro):
    response = client_for(cro).post(KEYS, {"name": "  "})
    assert response.status_code == 400
    assert not Open311Key.objects.exists()


def test_revoke(client_for, cro, chief, api_key):
    key = Open311Key.objects.get()
    revoke = reverse("concerns:open311-key-revoke", args=[key.pk])
    assert client_for(chief).post(revoke).status_code == 403
    client = client_for(cro)
    assert client.get(revoke).status_code == 405
    response = client.post(revoke, follow=True)
    assert response.status_code == 200
    assert "was revoked" in response.content.decode()
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert key.revoked_by == cro
    assert post(Client(), "json", request_form(api_key)).status_code == 403
    # Twice: a clear message, nothing changes.
    response = client.post(revoke, follow=True)
    assert "already revoked" in response.content.decode()


def test_key_services_check_the_permission(officer, cro):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        open311.issue_key(by=officer, name="x")
    key, _ = open311.issue_key(by=cro, name="x")
    with pytest.raises(PermissionDenied):
        open311.revoke_key(key=key, by=officer)
