"""A concern's one-line summary at every door: the officer's intake and the correction of
the details ask for it, the resident's form asks for it in English and Spanish, the city's
311 system fills it without asking; so do the demo data and the benchmark's bulk rows."""

import html
import io
import re
import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse

from concerns import demo_duplicates, demo_organizations, open311
from concerns.demo import STORIES, SUMMARIES, WAITING_ON_TRAFFIC
from concerns.models import Concern
from concerns.summaries import SUMMARY_MAX, first_sentence
from concerns.volume import seed_volume
from tests.concerns.test_edit_conflicts import client_as, form_on, open_edit_form, step_url
from tests.concerns.test_views import intake_post
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NEW = reverse("concerns:new")
FEEDBACK = reverse("feedback")
TOO_LONG = "x" * (SUMMARY_MAX + 1)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def input_tag(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*>', page)[0]


# --- The officer's intake --------------------------------------------------------------


def test_intake_offers_the_summary_after_the_description(client_for, officer):
    """Issue 23 (a one-minute intake): the summary may be left to the description's first
    sentence, as at the 311 and import doors, so it follows the description."""
    page = client_for(officer).get(NEW).content.decode()
    field = input_tag(page, "summary")
    assert 'maxlength="120"' in field and "required" not in field
    assert page.index('name="summary"') > page.index('name="description"')
    assert re.search(r'for="id_summary"[^>]*>\s*Summary\s*</label>', page)
    assert "One line every list shows" in page
    assert "Left empty, the first sentence of the description is used." in page


def test_intake_saves_the_summary_typed(client_for, officer):
    client_for(officer).post(NEW, intake_post(summary="  Cars   speeding past the school "))
    assert Concern.objects.get().summary == "Cars speeding past the school"


def test_intake_without_a_summary_takes_the_description_first_sentence(client_for, officer):
    response = client_for(officer).post(NEW, intake_post(summary="   "))
    assert response.status_code == 302
    assert Concern.objects.get().summary == "Speeding at school time."


def test_intake_summary_over_120_characters_is_refused_clearly(client_for, officer):
    response = client_for(officer).post(NEW, intake_post(summary=TOO_LONG))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Keep this to 120 characters or fewer (it has 121)." in page
    assert f'value="{TOO_LONG}"' in input_tag(page, "summary")  # kept, to shorten
    assert not Concern.objects.exists()


def test_correcting_the_details_changes_the_summary(forwarded, cro):
    client = client_as(cro)
    form = open_edit_form(client, forwarded)
    assert form["edit-summary"] == forwarded.summary
    form["edit-summary"] = "Speeding at 8 a.m. and 3 p.m. outside the school"
    assert client.post(step_url(forwarded), form).status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.summary == "Speeding at 8 a.m. and 3 p.m. outside the school"
    assert forwarded.updates.get(kind="edited").text == "Changed: summary."


def test_correcting_the_details_refuses_an_empty_or_long_summary(forwarded, cro):
    client = client_as(cro)
    before = forwarded.summary
    for value, message in (("", "This field is required."), (TOO_LONG, "(it has 121)")):
        form = open_edit_form(client, forwarded)
        form["edit-summary"] = value
        refused = client.post(step_url(forwarded), form)
        assert refused.status_code == 400 and message in text_of(refused)
        assert form_on(refused, step_url(forwarded))["edit-summary"] == value
    forwarded.refresh_from_db()
    assert forwarded.summary == before


# --- The resident's form ---------------------------------------------------------------


def feedback(**overrides):
    return {
        "category": "street_lighting",
        "area": "Elm Street",
        "summary": "Street light out",
        "description": "The light at the corner has been out for a week.",
        "intake_token": str(uuid.uuid4()),
        **overrides,
    }


def test_public_form_asks_for_the_summary_in_english_and_spanish(client):
    en = text_of(client.get(FEEDBACK + "?lang=en"))
    es = text_of(client.get(FEEDBACK + "?lang=es"))
    assert "In a few words, what is it about?" in en
    assert "One line, for example: Street light out on Elm Street." in en
    assert "En pocas palabras, ¿de qué se trata?" in es
    assert "Una línea, por ejemplo: Farola apagada en la calle Elm." in es
    assert "In a few words" not in es
    for page in (en, es):
        assert 'maxlength="120"' in input_tag(page, "summary")
        assert page.index('name="summary"') < page.index('name="description"')


def test_public_form_stores_the_summary(client):
    assert client.post(FEEDBACK, feedback()).status_code == 302
    assert Concern.objects.get().summary == "Street light out"


def test_public_form_without_a_summary_says_so_in_spanish_and_keeps_the_rest(client):
    client.get(FEEDBACK + "?lang=es")
    response = client.post(FEEDBACK, feedback(summary=""))
    page = text_of(response)
    assert response.status_code == 400
    summary = re.search(r'class="alert alert-danger error-summary".*?</div>', page, re.S)[0]
    assert 'href="#id_summary"' in summary and "En pocas palabras" in summary
    assert re.search(r'id="id_summary_error".*?Este campo es obligatorio', page, re.S)
    assert "The light at the corner has been out for a week." in page
    assert not Concern.objects.exists()


def test_public_form_long_summary_is_refused_in_the_residents_language(client):
    en = text_of(client.post(FEEDBACK + "?lang=en", feedback(summary=TOO_LONG)))
    es = text_of(client.post(FEEDBACK + "?lang=es", feedback(summary=TOO_LONG)))
    assert "Keep this to 120 characters or fewer (it has 121)." in en
    assert "Use 120 caracteres o menos (tiene 121)." in es
    assert not Concern.objects.exists()


# --- The city's 311 system -------------------------------------------------------------


@pytest.mark.parametrize(
    ("description", "summary"),
    [
        ("Dog barking all night. It started last week.", "Dog barking all night."),
        ("Pothole at the corner", "Pothole at the corner"),
        ("Broken swing\nat the park", "Broken swing"),
        ("word " * 60, first_sentence("word " * 60)),
    ],
)
def test_open311_summary_is_the_first_sentence_never_the_media_line(cro, description, summary):
    AgencyFactory()
    key, _raw = open311.issue_key(by=cro, name="City 311 system")
    data = {
        "service_code": "quality_of_life",
        "address_string": "Elm Street",
        "description": description,
        "media_url": "https://city.example/photos/1.jpg",
    }
    concern = open311.submit_open311_request(key=key, data=data)
    assert concern.summary == summary
    assert len(concern.summary) <= SUMMARY_MAX
    assert "Media" not in concern.summary and "https" not in concern.summary
    assert concern.description.endswith("Media: https://city.example/photos/1.jpg")


# --- Demo data -------------------------------------------------------------------------


def test_every_demo_story_has_summaries_that_fit():
    for stories in STORIES.values():
        for description, _suggestion in stories:
            wordings = SUMMARIES[description]
            assert len(wordings) >= 2, description
            for wording in wordings:
                assert 10 < len(wording) <= SUMMARY_MAX
                assert wording != first_sentence(description)


@pytest.mark.whole_demo
def test_demo_concerns_carry_a_varied_summary_written_for_them(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    written = {wording for wordings in SUMMARIES.values() for wording in wordings}
    # The stories told on their own (a routing left waiting, an organization's concerns).
    written |= {WAITING_ON_TRAFFIC, *(story[2] for story in demo_organizations.STORIES)}
    # The duplicate cluster (concerns/demo_duplicates.py) has summaries of its own.
    cluster = {demo_duplicates.LEAD_SUMMARY, *(report[3] for report in demo_duplicates.REPORTS)}
    demo = Concern.objects.filter(reported_by__is_demo=True).exclude(summary__in=cluster)
    summaries = list(demo.values_list("summary", flat=True))
    assert len(summaries) >= 150 and set(summaries) <= written
    assert len(set(summaries)) >= 30


def test_bulk_benchmark_concerns_carry_their_descriptions_first_sentence(officer):
    seed_volume(count=40, reporters=[officer], years=1, log=lambda *args: None)
    rows = list(Concern.objects.values_list("summary", "description"))
    assert len(rows) == 40
    assert all(summary and summary == first_sentence(text) for summary, text in rows)
