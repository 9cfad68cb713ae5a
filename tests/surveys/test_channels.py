"""Survey channels (004 §2): the water bill's paper forms and a forum's paper forms typed in
as batches with their source, the social-media link as its own channel, and the results
counting web, social media, forum sheets and each paper source apart."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys import channels, results, services
from surveys.models import ForumLink, PaperBatch, Response, SocialLink, Survey
from tests.surveys.test_services import _required, open_survey, respond
from tests.surveys.test_views import fields

pytestmark = pytest.mark.django_db

OTHERS = ["officer", "supervisor", "chief", "training_officer", "outsider"]
WATER = {"label": "Water bill, March 2026", "source": "water_bill", "received_on": "2026-03-20"}


@pytest.fixture
def survey(cro, chief):
    return open_survey(cro, chief)


def batch(survey, cro, source=PaperBatch.Source.WATER_BILL, label="Water bill, March 2026"):
    return channels.start_paper_batch(
        survey=survey, by=cro, label=label, source=source, received_on=dt.date(2026, 3, 20)
    )


def test_cro_starts_a_batch_and_its_forms_record_it(client_for, cro, survey):
    client = client_for(cro)
    started = client.post(reverse("surveys:paper-batch-add", args=[survey.pk]), WATER)
    water = PaperBatch.objects.get()
    assert started.status_code == 302 and started.url.endswith(f"?batch={water.pk}")
    assert (water.label, water.source, water.received_on, water.created_by) == (
        "Water bill, March 2026",
        "water_bill",
        dt.date(2026, 3, 20),
        cro,
    )
    page = client.get(started.url)
    assert page.status_code == 200
    assert f'<option value="{water.pk}" selected>Water bill, March 2026' in page.text
    url = reverse("surveys:paper", args=[survey.pk])
    saved = client.post(url, fields(survey) | {"language": "en", "batch": str(water.pk)})
    assert saved.status_code == 302 and saved.url.endswith(f"?language=en&batch={water.pk}")
    stored = Response.objects.get()
    assert (stored.channel, stored.batch) == ("paper", water)
    # Without a batch the form is still stored, its source not recorded.
    assert client.post(url, fields(survey) | {"language": "en"}).status_code == 302
    assert Response.objects.filter(batch__isnull=True, channel="paper").count() == 1


def test_paper_batch_bad_input_says_so_and_keeps_what_was_typed(client_for, cro, survey):
    client = client_for(cro)
    url = reverse("surveys:paper-batch-add", args=[survey.pk])
    response = client.post(url, WATER | {"label": ""})
    assert response.status_code == 400 and "This field is required." in response.text
    response = client.post(url, WATER | {"source": "billboard", "label": "Spring mailing"})
    assert response.status_code == 400 and "Select a valid choice." in response.text
    assert 'value="Spring mailing"' in response.text
    assert not PaperBatch.objects.exists()
    assert client.get(url).status_code == 405


def test_a_batch_of_another_survey_is_refused(client_for, cro, chief, survey):
    other = open_survey(cro, chief, title="Another survey")
    foreign = batch(other, cro)
    response = client_for(cro).post(
        reverse("surveys:paper", args=[survey.pk]),
        fields(survey) | {"language": "en", "batch": str(foreign.pk)},
    )
    assert response.status_code == 400
    assert "Choose one of this survey&#x27;s batches" in response.text
    assert not Response.objects.exists()
    with pytest.raises(ValidationError, match="another survey"):
        respond(survey, _required(survey), channel="paper", by=cro, batch=foreign)
    # A batch is for paper forms only.
    with pytest.raises(ValidationError, match="another survey"):
        respond(survey, _required(survey), batch=batch(survey, cro))


@pytest.mark.parametrize("persona", OTHERS)
def test_only_the_cro_starts_batches_and_adds_social_links(client_for, personas, persona, survey):
    client = client_for(personas[persona])
    assert (
        client.post(reverse("surveys:paper-batch-add", args=[survey.pk]), WATER).status_code == 403
    )
    response = client.post(reverse("surveys:social-add", args=[survey.pk]), {"name": "Facebook"})
    assert response.status_code == 403
    assert not PaperBatch.objects.exists() and not SocialLink.objects.exists()


def test_social_link_is_its_own_channel(client, client_for, cro, survey):
    staff = client_for(cro)
    added = staff.post(
        reverse("surveys:social-add", args=[survey.pk]), {"name": "Facebook post, October"}
    )
    assert added.status_code == 302
    link = SocialLink.objects.get()
    assert link.public_url() in staff.get(survey.get_absolute_url()).text
    staff.logout()
    assert client.get(link.public_url()).status_code == 200
    sent = client.post(link.public_url(), fields(survey))
    assert sent.status_code == 302
    assert Response.objects.get().channel == "social"
    # A link of another survey's slug is not found.
    other_path = reverse("surveys:social", args=["nosuchsurvey", link.slug])
    assert client.get(other_path).status_code == 404


def test_social_link_bad_input_and_closed_survey(client, client_for, cro, survey):
    staff = client_for(cro)
    url = reverse("surveys:social-add", args=[survey.pk])
    response = staff.post(url, {"name": ""})
    assert response.status_code == 400 and "This field is required." in response.text
    assert staff.get(url).status_code == 405
    link = channels.add_social_link(survey=survey, by=cro, name="Nextdoor")
    services.close_survey(survey=survey, by=cro)
    staff.logout()
    assert client.get(link.public_url()).status_code == 410


def test_agency_surveys_have_no_social_link_or_paper_batch(cro, chief):
    agencies = open_survey(cro, chief, audience=Survey.Audience.AGENCIES)
    with pytest.raises(ValidationError, match="only through the links"):
        channels.add_social_link(survey=agencies, by=cro, name="Facebook")
    with pytest.raises(ValidationError, match="only through the links"):
        batch(agencies, cro)


def _sql_by_source(survey_id):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.channel, COALESCE(b.source, ''), COUNT(*)
            FROM surveys_response r LEFT JOIN surveys_paperbatch b ON b.id = r.batch_id
            WHERE r.survey_id = %s GROUP BY 1, 2
            """,
            [survey_id],
        )
        return {(channel, source): n for channel, source, n in cursor.fetchall()}


def test_results_count_each_source_apart(client_for, cro, survey, django_assert_max_num_queries):
    water = batch(survey, cro)
    forum_paper = batch(survey, cro, PaperBatch.Source.FORUM, "Eastside forum, paper")
    forum = ForumLink.objects.create(survey=survey, name="Eastside", held_on=dt.date(2026, 3, 1))
    plan = [
        ({"channel": "web"}, 2),
        ({"channel": "social"}, 1),
        ({"channel": "forum", "forum": forum}, 1),
        ({"channel": "paper", "by": cro, "batch": water}, 3),
        ({"channel": "paper", "by": cro, "batch": forum_paper}, 2),
        ({"channel": "paper", "by": cro}, 1),
    ]
    for kwargs, count in plan:
        for _ in range(count):
            respond(survey, _required(survey), **kwargs)
    data = results.compile_results(survey)
    sql = _sql_by_source(survey.pk)
    assert dict(data["by_channel"]) == {
        "Web link": sql[("web", "")],
        "Social media link": sql[("social", "")],
        "Forum sheet (QR code)": sql[("forum", "")],
        "Paper, water bill": sql[("paper", "water_bill")],
        "Paper, handed in at a forum": sql[("paper", "forum")],
        "Paper, other source": 0,
        "Paper, source not recorded": sql[("paper", "")],
    }
    assert dict(data["by_channel"])["Paper, water bill"] == 3
    assert "Agency invitation" not in dict(data["by_channel"])
    # The figures of one source alone.
    assert results.compile_results(survey, channel="paper-water_bill")["responses"] == 3
    assert results.compile_results(survey, channel="paper-none")["responses"] == 1
    assert results.compile_results(survey, channel="paper")["responses"] == 6
    client = client_for(cro)
    url = reverse("surveys:results", args=[survey.pk])
    with django_assert_max_num_queries(40):
        page = client.get(f"{url}?channel=paper-water_bill")
    assert page.status_code == 200
    assert '<option value="paper-water_bill" selected>Paper, water bill</option>' in page.text
    assert "Social media link" in page.text
    # The answers' CSV says which batch each paper form came in.
    download = client.get(reverse("surveys:results-csv", args=[survey.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert rows[0][-4:] == ["paper batch", "paper source", "agency", "kind of agency"]
    sources = [row[-3] for row in rows[1:]]
    assert sources.count("water_bill") == 3 and sources.count("forum") == 2
    assert [row[-4] for row in rows[1:]].count("Water bill, March 2026") == 3


def test_results_page_queries_do_not_grow_with_batches(
    client_for, cro, survey, django_assert_max_num_queries
):
    client = client_for(cro)
    url = reverse("surveys:results", args=[survey.pk])
    water = batch(survey, cro)
    for _ in range(5):  # past the 5 responses below which no figure shows
        respond(survey, _required(survey), channel="paper", by=cro, batch=water)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(6):
        respond(
            survey,
            _required(survey),
            channel="paper",
            by=cro,
            batch=batch(survey, cro, PaperBatch.Source.OTHER, f"Library box {n}"),
            token=uuid.uuid4(),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
