"""GeoReport v2 at its edges (issue 21): the key in the query string, a request without a
description, errors for bad paths, bodies and content types in the specification's format,
CORS on public reads only, a retried POST answered with the same request, NUL refused."""

import json
import threading
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from concerns import open311
from concerns.models import Concern, Open311Key
from tests.factories import AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db

FORMATS = ["json", "xml"]
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


def url(name, fmt="json", **kwargs):
    return reverse(f"open311:{name}", kwargs={"fmt": fmt, **kwargs})


def form(key=None, **overrides):
    data = {
        "api_key": key,
        "service_code": "street_lighting",
        "address_string": "412 Elm St",
        "description": "Two street lights out.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client, fmt, data, path=None, content_type=FORM):
    body = urlencode(data).encode()
    return client.generic("POST", path or url("requests", fmt), body, content_type=content_type)


def spec_error(response, fmt) -> tuple[int, str]:
    """(code, description) of an answer in the specification's error format."""
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        [error] = json.loads(response.content)
        assert set(error) == {"code", "description"}
        return error["code"], error["description"]
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == "errors" and [e.tag for e in root] == ["error"]
    return int(root.findtext("error/code")), root.findtext("error/description")


# --- The key in the query string ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_takes_the_key_from_the_query_string(client, api_key, fmt):
    path = url("requests", fmt) + "?" + urlencode({"api_key": api_key})
    response = post(client, fmt, form(), path=path)
    assert response.status_code == 200, response.content
    assert Concern.objects.get().source_type == "open311"
    assert "Access-Control-Allow-Origin" not in response


# --- Description optional -------------------------------------------------------------


def test_post_without_description_makes_a_concern_from_what_was_given(client, api_key):
    response = post(client, "json", form(api_key, description=None))
    assert response.status_code == 200, response.content
    concern = Concern.objects.get()
    assert concern.description == (
        "Street lighting at 412 Elm St. Sent through the city's 311 system without a description."
    )
    assert concern.summary == "Street lighting at 412 Elm St."
    assert response.json()[0]["service_request_id"] == str(concern.public_id)


@pytest.mark.parametrize(
    "missing", [{"service_code": None}, {"address_string": None}, {"description": None}]
)
def test_a_request_still_needs_a_service_and_a_place(client, api_key, missing):
    data = form(api_key, **missing)
    if "description" in missing:
        data.pop("address_string")  # no description and no place: nothing to act on
    response = post(client, "json", data)
    assert response.status_code == 400
    assert spec_error(response, "json")[0] == 400
    assert not Concern.objects.exists()


# --- Bad paths, bodies and content types ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/tokens.json", "json"),
        ("/open311/v2/requests/abc.def.json", "json"),
        ("/open311/v2/requests/a/b.xml", "xml"),
        ("/open311/v2/requests", "xml"),
        ("/open311/v2/", "xml"),
        ("/open311/v2/services.csv", "xml"),
        ("/open311/v2/nothing.html", "xml"),
    ],
)
def test_an_unknown_path_is_404_in_the_error_format(client, path, fmt):
    response = client.get(path)
    assert response.status_code == 404
    assert spec_error(response, fmt)[0] == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_oversized_body_is_413_and_creates_nothing(client, api_key, fmt):
    response = post(client, fmt, form(api_key, description="x" * 70_000))
    assert response.status_code == 413
    assert spec_error(response, fmt)[0] == 413
    assert not Concern.objects.exists()


def test_an_oversized_body_is_refused_by_its_length_before_it_is_read(client, api_key):
    response = client.generic(
        "POST",
        url("requests"),
        urlencode(form(api_key)),
        content_type=FORM,
        CONTENT_LENGTH=str(10 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert not Concern.objects.exists()


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=xyz",
        f"{FORM}; charset=latin-1",
        f"{FORM}; charset=no-such-charset",
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_content_type_is_415(client, api_key, content_type, fmt):
    response = post(client, fmt, form(api_key), content_type=content_type)
    assert response.status_code == 415
    assert spec_error(response, fmt)[0] == 415
    assert not Concern.objects.exists()


def test_a_form_in_utf8_is_taken(client, api_key):
    response = post(client, "json", form(api_key), content_type=f"{FORM}; charset=UTF-8")
    assert response.status_code == 200


# --- CORS -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        url("discovery"),
        url("services", "xml"),
        url("service", code="noise"),
        url("requests"),
        url("requests", "xml"),
    ],
)
def test_public_reads_allow_any_origin(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"


def test_keyed_reads_and_posts_allow_no_origin(client, api_key):
    ConcernFactory(source_type="open311")
    response = client.get(url("requests"), {"api_key": api_key})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    assert "no-store" in response["Cache-Control"]
    response = post(client, "json", form(api_key))
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response
    refused = post(client, "json", form("not-a-key"))
    assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused


# --- A retried POST -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_identical_post_is_answered_with_the_same_request(client, api_key, fmt):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = post(client, "json", form(api_key))
    with time_machine.travel(start + open311.requests.RETRY_WINDOW / 2, tick=False):
        again = post(client, fmt, form(api_key))
    assert again.status_code == 200
    concern = Concern.objects.get()  # one concern, not two
    first_id = first.json()[0]["service_request_id"]
    assert first_id == str(concern.public_id)
    assert first_id.encode() in again.content
    assert concern.updates.count() == 1
    # A different text, place or service is a new request.
    for change in (
        {"description": "One street light out."},
        {"address_string": "414 Elm St"},
        {"service_code": "traffic"},
    ):
        with time_machine.travel(start + open311.requests.RETRY_WINDOW / 2, tick=False):
            assert post(client, "json", form(api_key, **change)).status_code == 200
    assert Concern.objects.count() == 4


def test_the_same_post_after_the_window_or_from_another_key_is_new(client, cro, api_key):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        post(client, "json", form(api_key))
        _, other = open311.issue_key(by=cro, name="Residents' app")
        post(client, "json", form(other))
    assert Concern.objects.count() == 2
    with time_machine.travel(start + open311.requests.RETRY_WINDOW * 1.5, tick=False):
        post(client, "json", form(api_key))
    assert Concern.objects.count() == 3


def test_a_retry_uses_none_of_the_quota(client, api_key, settings):
    settings.CRD_OPEN311_HOURLY_LIMIT = 1
    assert post(client, "json", form(api_key)).status_code == 200
    assert post(client, "json", form(api_key)).status_code == 200  # the same: answered
    assert post(client, "json", form(api_key, description="Other.")).status_code == 429


@pytest.mark.django_db(transaction=True)
def test_identical_posts_at_the_same_moment_make_one_concern(cro):
    """Two copies sent at once, on two connections: the key's row lock takes them one after
    the other and the second finds the first's receipt."""
    AgencyFactory()
    key, _raw = open311.issue_key(by=cro, name="City 311 system")
    data = {"service_code": "noise", "address_string": "412 Elm St", "description": "Loud."}
    barrier, made, errors = threading.Barrier(4), [], []

    def send():
        try:
            barrier.wait(timeout=10)
            made.append(open311.submit_open311_request(key=key, data=data).pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(made) == 4 and len(set(made)) == 1
    assert Concern.objects.count() == 1
    assert Open311Key.objects.get().pk == key.pk


# --- NUL ------------------------------------------------------------------------------


# The site-wide guard (core.guards) answers a NUL with its own page before 311 sees it; each
# test also takes it away to prove that 311 on its own answers 400 in the spec's format.
SITE_GUARD = "core.guards.RejectInvalidInput"


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/open311/v2/requests/CR%00.json", "json"),
        ("/open311/v2/requests/CR%00.xml", "xml"),
        ("/open311/v2/services/noi%00se.json", "json"),
        ("/open311/v2/requests.js%00on", "xml"),
        ("/open311/v2/no%00where.json", "json"),
        ("/open311/v2/requests.json?status=op%00en", "json"),
        ("/open311/v2/requests.xml?service_request_id=%00", "xml"),
        ("/open311/v2/requests.json?st%00atus=open", "json"),
    ],
)
def test_a_nul_in_a_path_or_query_is_400(client, settings, path, fmt):
    assert client.get(path).status_code == 400  # with the site's guard, whatever it says
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SITE_GUARD]
    client = Client()  # a client loads the middleware once: a new one, without the guard
    response = client.get(path)
    assert response.status_code == 400
    assert spec_error(response, fmt)[0] == 400


@pytest.mark.parametrize("field", ["description", "address_string", "service_code", "email"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_nul_in_a_post_body_is_400_and_creates_nothing(client, settings, api_key, field, fmt):
    data = form(api_key, email="r@example.org")
    data[field] = data[field][:3] + "\x00" + data[field][3:]
    assert post(client, fmt, data).status_code == 400
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != SITE_GUARD]
    client = Client()  # a client loads the middleware once: a new one, without the guard
    response = post(client, fmt, data)
    assert response.status_code == 400
    assert spec_error(response, fmt)[0] == 400
    assert not Concern.objects.exists()
