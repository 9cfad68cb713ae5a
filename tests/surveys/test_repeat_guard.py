"""One answer per browser and survey, with nothing stored that identifies the respondent
(002 §300.5, 004): surveys/repeat_guard.py."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts import ratelimit
from core.web import client_key
from surveys import repeat_guard, services
from surveys.models import Response, Survey
from tests.surveys.test_services import open_survey
from tests.surveys.test_views import fields

pytestmark = pytest.mark.django_db

ALREADY = "This browser has already answered this survey"


@pytest.fixture
def survey(cro, chief):
    return open_survey(cro, chief)


def cookie_content(client) -> str:
    """The cookie's value as Django reads it back (signature and age checked)."""
    return _request_with(client).get_signed_cookie(
        repeat_guard.COOKIE, salt=repeat_guard.SALT, max_age=repeat_guard.PERIOD
    )


def test_002_300_5_second_submission_from_one_browser_is_refused(client, survey):
    assert client.post(survey.public_url(), fields(survey)).status_code == 302
    again = client.post(survey.public_url(), fields(survey))
    assert again.status_code == 409
    assert ALREADY in again.text
    assert "Someone else wants to answer" in again.text
    assert survey.responses.count() == 1
    # Opening the link again says so before the form is filled in.
    page = client.get(survey.public_url())
    assert page.status_code == 200 and ALREADY in page.text
    assert "Send my answers" not in page.text


def test_eight_identical_submissions_store_one(client, survey):
    data = fields(survey, std_overall="1", std_trust="1", std_safety="1")
    codes = [
        client.post(survey.public_url(), data | {"token": str(uuid.uuid4())}).status_code
        for _ in range(8)
    ]
    assert codes == [302] + [409] * 7
    assert survey.responses.count() == 1


def test_refusal_page_in_spanish_keeps_the_language(client, survey):
    client.post(survey.public_url(), fields(survey))
    page = client.post(survey.public_url(), fields(survey) | {"lang": "es"})
    assert page.status_code == 409
    assert '<html lang="es">' in page.text
    assert "someone_else=1&amp;lang=es" in page.text


def test_another_survey_from_the_same_browser_is_accepted(client, survey, cro, chief):
    other = open_survey(cro, chief, title="Second survey", title_es="Segunda encuesta")
    assert client.post(survey.public_url(), fields(survey)).status_code == 302
    assert client.get(other.public_url()).status_code == 200
    assert client.post(other.public_url(), fields(other)).status_code == 302
    assert other.responses.count() == 1
    # Both are remembered; the first is still refused.
    assert cookie_content(client) == ".".join(str(pk) for pk in sorted([survey.pk, other.pk]))
    assert client.post(survey.public_url(), fields(survey)).status_code == 409


def test_cookie_names_only_the_survey_answered(client, survey):
    data = fields(survey)
    response = client.post(survey.public_url(), data, REMOTE_ADDR="203.0.113.7")
    stored = Response.objects.get()
    morsel = response.cookies[repeat_guard.COOKIE]
    # Decoded, it is the survey's id and nothing else: no response id, token or address.
    assert cookie_content(client) == str(survey.pk)
    raw = morsel.value
    # Signed, not encrypted: what anyone at the browser can read is the id, then the
    # signing time and the signature.
    assert raw.split(":")[0] == str(survey.pk) and raw.count(":") == 2
    for secret in (data["token"], str(stored.token), "203.0.113.7", client_key_of("203.0.113.7")):
        assert secret not in raw
    assert str(stored.pk) not in cookie_content(client).replace(str(survey.pk), "")
    assert morsel["httponly"] and morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == repeat_guard.PERIOD
    # A cookie altered by hand is worth nothing.
    client.cookies[repeat_guard.COOKIE] = raw.replace(str(survey.pk), str(survey.pk + 1), 1)
    assert repeat_guard.answered(_request_with(client)) == set()


def client_key_of(address: str) -> str:
    return client_key(RequestFactory().get("/", REMOTE_ADDR=address))


def _request_with(client):
    request = RequestFactory().get("/")
    request.COOKIES = {k: m.value for k, m in client.cookies.items()}
    return request


def test_expired_cookie_allows_again(client, cro, chief):
    start = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        survey = open_survey(
            cro, chief, opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 12, 31)
        )
        assert client.post(survey.public_url(), fields(survey)).status_code == 302
    period = dt.timedelta(seconds=repeat_guard.PERIOD)
    with time_machine.travel(start + period - dt.timedelta(days=1), tick=False):
        assert client.post(survey.public_url(), fields(survey)).status_code == 409
    with time_machine.travel(start + period + dt.timedelta(days=1), tick=False):
        assert timezone.localdate() <= survey.closes_on
        assert client.post(survey.public_url(), fields(survey)).status_code == 302
    assert survey.responses.count() == 2


def test_someone_else_at_the_same_browser_is_counted_and_limited(client, survey, monkeypatch):
    client.post(survey.public_url(), fields(survey))
    form = client.get(f"{survey.public_url()}?someone_else=1&lang=en")
    assert form.status_code == 200
    assert 'name="someone_else" value="1"' in form.text
    assert "You are answering as someone else using this browser." in form.text
    data = fields(survey) | {"someone_else": "1"}
    assert client.post(survey.public_url(), data).status_code == 302
    assert survey.responses.count() == 2
    client_key = client_key_of("127.0.0.1")
    assert ratelimit.used(repeat_guard.SOMEONE_ELSE_SCOPE, client_key) == 1
    # Bad input on that path keeps the path (the hidden field is still there).
    bad = client.post(survey.public_url(), {"token": str(uuid.uuid4()), "someone_else": "1"})
    assert bad.status_code == 400 and 'name="someone_else" value="1"' in bad.text
    monkeypatch.setattr(repeat_guard, "SOMEONE_ELSE_HOURLY_LIMIT", 1)
    limited = client.post(survey.public_url(), fields(survey) | {"someone_else": "1"})
    assert limited.status_code == 429
    assert "Several people have already answered from this connection" in limited.text
    assert survey.responses.count() == 2
    # A browser that never answered is not counted on that path.
    client.cookies.pop(repeat_guard.COOKIE)
    assert (
        client.post(survey.public_url(), fields(survey) | {"someone_else": "1"}).status_code == 302
    )
    assert ratelimit.used(repeat_guard.SOMEONE_ELSE_SCOPE, client_key) == 1


def test_the_same_form_sent_again_shows_the_thanks_and_stores_one(client, survey):
    data = fields(survey)
    first = client.post(survey.public_url(), data)
    again = client.post(survey.public_url(), data)
    assert first.status_code == again.status_code == 302
    assert again.url.startswith(reverse("survey-thanks", args=[survey.slug]))
    assert survey.responses.count() == 1


def test_forum_link_refused_after_answering_and_someone_else_stays_at_the_forum(
    client, survey, cro
):
    forum = services.add_forum(
        survey=survey, by=cro, name="Eastside forum", held_on=timezone.localdate()
    )
    assert client.post(forum.public_url(), fields(survey)).status_code == 302
    page = client.get(forum.public_url())
    assert ALREADY in page.text
    assert f'href="{forum.public_url()}?someone_else=1&amp;lang=en"' in page.text
    data = fields(survey) | {"someone_else": "1"}
    assert client.post(forum.public_url(), data).status_code == 302
    assert survey.responses.filter(forum=forum).count() == 2


def test_department_survey_with_codes_lets_colleagues_share_a_computer(client, cro, chief):
    survey = open_survey(cro, chief, audience=Survey.Audience.DEPARTMENT)
    first, second = services.issue_invitations(survey=survey, by=cro, count=2)
    assert client.post(survey.public_url(), fields(survey) | {"code": first}).status_code == 302
    assert client.post(survey.public_url(), fields(survey) | {"code": second}).status_code == 302
    assert survey.responses.count() == 2
    assert repeat_guard.COOKIE not in client.cookies


def test_paper_entry_is_not_guarded(client_for, survey, cro):
    client = client_for(cro)
    assert client.post(survey.public_url(), fields(survey)).status_code == 302
    url = reverse("surveys:paper", args=[survey.pk])
    for _ in range(2):
        assert client.post(url, fields(survey) | {"language": "en"}).status_code == 302
    assert survey.responses.filter(channel=Response.Channel.PAPER).count() == 2
