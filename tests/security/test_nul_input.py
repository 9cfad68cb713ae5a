"""A NUL character, or text that is not UTF-8, anywhere in a request is a 400, never a 500
(issue 21, finding 9): in the path, the query string, a form field, a JSON body, a header
or a cookie, on the public pages and on staff pages alike."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from desk.calendar import create_feed
from notifications.notify import stop_token
from surveys.models import Question
from tests.factories import AgencyFactory, ConcernFactory, OrganizationFactory
from tests.surveys.test_services import open_survey
from tests.surveys.test_views import fields

pytestmark = pytest.mark.django_db

# What the public reaches without signing in ({survey} and the like filled in below).
PUBLIC = [
    "/",
    "/healthz",
    "/healthz/web",
    "/accounts/login/",
    "/feedback/",
    "/feedback/received/",
    "/transparency/",
    "/transparency/2025/",
    "/transparency/2025/en.pdf",
    "/s/{survey}/",
    "/s/{survey}/thanks/",
    "/stop/{stop}/",
    "/calendar/{feed}.ics",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
    "/open311/v2/requests/{reference}.json",
    "/admin/login/",
]
# A few staff pages, signed in as the CRO: the two lookups read the typed words straight
# from the query string into a query.
STAFF = [
    "/accounts/members/lookup/",
    "/outreach/organizations/lookup/",
    "/concerns/",
    "/notifications/",
    "/calendar/",
    "/reports/",
]


@pytest.fixture
def world(cro, chief):
    AgencyFactory()
    survey = open_survey(cro, chief)
    concern = ConcernFactory()
    _, token = create_feed(by=cro)
    OrganizationFactory(name="Elm Street Block Club")
    return {
        "survey": survey.slug,
        "stop": stop_token(ConcernFactory(contact_email="r@example.org")),
        "feed": token,
        "reference": concern.reference,
    }


def filled(url: str, world: dict) -> str:
    return url.format(**world)


def with_nul_in_path(url: str) -> str:
    """A NUL in the last segment of the path, as a client sends it (%00)."""
    head, dot, tail = (
        url.rpartition(".") if url.endswith((".json", ".ics", ".pdf")) else (url, "", "")
    )
    if dot:
        return f"{head}%00.{tail}"
    return url.rstrip("/") + "%00/" if url.endswith("/") else url + "%00"


def assert_refused(response):
    assert response.status_code == 400, (response.status_code, response.content[:200])
    if response.wsgi_request.path_info.startswith("/open311/"):
        # The city's 311 system reads GeoReport errors, not the site's page.
        assert b'"code": 400' in response.content or b"<code>400</code>" in response.content
    else:
        assert b"could not be read" in response.content


@pytest.mark.parametrize("url", PUBLIC)
@pytest.mark.parametrize("where", ["path", "query", "post"])
def test_public_urls_answer_400_to_a_nul(world, url, where):
    client = Client()  # raises what a view raises: a 500 would fail here loudly
    url = filled(url, world)
    if where == "path":
        response = client.get(with_nul_in_path(url))
    elif where == "query":
        response = client.get(url + "?q=%00&page=1%002")
    elif url.startswith("/open311/"):
        form = "application/x-www-form-urlencoded"  # the only body GeoReport v2 takes
        response = client.post(url, "name=A%00B&description=x", content_type=form)
        if not url.endswith("/requests.json"):
            # A resource that only reads says so first, in 311's format.
            assert response.status_code == 405 and json.loads(response.content)[0]["code"] == 405
            return
    else:
        response = client.post(url, {"name": "A\x00B", "description": "x"})
    assert_refused(response)


@pytest.mark.parametrize("url", STAFF)
@pytest.mark.parametrize("where", ["path", "query", "post"])
def test_staff_urls_answer_400_to_a_nul(client_for, cro, world, url, where):
    client = client_for(cro)
    if where == "path":
        response = client.get(with_nul_in_path(url))
    elif where == "query":
        response = client.get(url + "?q=Elm%00")
    else:
        response = client.post(url, {"q": "\x00"})
    assert_refused(response)


def test_the_lookups_still_answer_without_a_nul(client_for, cro, world):
    client = client_for(cro)
    found = client.get(reverse("outreach:organization-lookup") + "?q=Elm").json()
    assert [r["label"] for r in found["results"]] == ["Elm Street Block Club"]
    assert client.get(reverse("accounts:member-lookup") + "?q=t-cro").status_code == 200


def test_a_survey_answer_with_a_nul_is_refused_and_one_without_is_kept(client, world):
    from surveys.models import Survey

    survey = Survey.objects.get(slug=world["survey"])
    text = survey.questions.filter(kind=Question.Kind.TEXT).first()  # a 500 before the guard
    data = fields(survey)
    data[f"q{text.pk}"] = "Good\x00 service"
    assert_refused(client.post(survey.public_url(), data))
    assert client.post(survey.public_url(), fields(survey)).status_code == 302


def test_the_311_id_with_a_nul_is_refused_in_311s_own_format(world):
    client = Client()
    response = client.get("/open311/v2/requests/CR%00.json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert json.loads(response.content)[0]["code"] == 400
    assert client.get("/open311/v2/services.json").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["q=%FF", "q=%C3%28", "q=caf%E9", "%00=x", "q=a+%00"],
)
def test_a_query_string_that_is_not_utf8_or_holds_a_nul_is_refused(client_for, cro, query):
    assert_refused(client_for(cro).get(reverse("outreach:organization-lookup") + "?" + query))


def test_accented_text_passes(client_for, cro, world):
    response = client_for(cro).get(reverse("outreach:organization-lookup") + "?q=caf%C3%A9")
    assert response.status_code == 200


def test_a_json_body_with_a_nul_is_refused(world):
    client = Client()
    body = json.dumps({"description": "a\x00b"})
    assert "\\u0000" in body
    assert_refused(client.post("/feedback/", body, content_type="application/json"))
    escaped = json.dumps({"description": "a\\u0000b"})  # a backslash, then the letters
    assert client.post("/feedback/", escaped, content_type="application/json").status_code != 500
    assert_refused(client.post("/feedback/", b"\xff\xfe", content_type="application/json"))


def test_a_multipart_field_with_a_nul_is_refused_but_a_binary_file_passes(world, tmp_path):
    client = Client()
    binary = tmp_path / "data.bin"
    binary.write_bytes(b"\x00\x01\x02")
    with binary.open("rb") as upload:
        passed = client.post("/feedback/", {"description": "Fine", "file": upload})
    assert passed.status_code != 500 and b"could not be read" not in passed.content
    with binary.open("rb") as upload:
        assert_refused(client.post("/feedback/", {"description": "a\x00", "file": upload}))


def test_a_header_or_cookie_with_a_nul_is_refused(world):
    client = Client()
    assert_refused(client.get("/feedback/", HTTP_USER_AGENT="x\x00y"))
    # An octal escape the cookie parser decodes to a NUL, for the session lookup.
    assert_refused(client.get("/feedback/", HTTP_COOKIE='sessionid="\\000"'))
    assert_refused(client.get("/feedback/", HTTP_COOKIE='crd_language="e\\000s"'))
    assert client.get("/feedback/", HTTP_COOKIE="sessionid=%00").status_code == 200  # text


def test_an_ordinary_public_request_is_untouched(world):
    client = Client()
    assert client.get("/feedback/").status_code == 200
    assert client.get("/open311/v2/requests.json").status_code == 200


def test_the_survey_form_refuses_a_nul_in_free_text_itself(world):
    """Behind the middleware, the form that stores the text says so too (a paper form
    typed by staff, or any caller that does not come through a web request)."""
    from django.http import QueryDict

    from surveys.answers import parse
    from surveys.models import Survey

    survey = Survey.objects.get(slug=world["survey"])
    text = survey.questions.filter(kind=Question.Kind.TEXT).first()
    data = QueryDict(mutable=True)
    data[f"q{text.pk}"] = "Good\x00 service"
    answers, errors, typed = parse([text], data)
    assert text.pk not in answers
    assert errors[text.pk] == "Remove the invisible characters from this answer."
