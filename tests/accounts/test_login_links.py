"""The sign-in page sends residents, who need no account, to what they can do."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.roles import Role
from surveys.models import Survey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _survey(
    title,
    *,
    status=Survey.Status.APPROVED,
    audience=Survey.Audience.COMMUNITY,
    opens_on=dt.date(2026, 11, 1),
    closes_on=dt.date(2026, 12, 31),
):
    return Survey.objects.create(
        title=title,
        audience=audience,
        opens_on=opens_on,
        closes_on=closes_on,
        status=status,
        created_by=UserFactory(username="t-survey-cro", roles=[Role.CRO]),
    )


def _residents_part(client) -> str:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('class="login-residents')
    return html[start : html.index("</section>", start)]


def test_login_links_residents_to_the_feedback_form_and_the_status_page(client):
    part = _residents_part(client)
    assert "You do not need an account" in part
    assert f'href="{reverse("feedback")}"' in part
    assert f'href="{reverse("status")}"' in part
    assert f'href="{reverse("transparency")}"' in part


@time_machine.travel(dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), tick=False)
def test_login_links_only_the_community_surveys_open_today(client):
    open_now = _survey("Community survey 2026")
    draft = _survey("Still a draft", status=Survey.Status.DRAFT)
    staff = _survey("Department climate", audience=Survey.Audience.DEPARTMENT)
    closed = _survey("Last year", opens_on=dt.date(2025, 11, 1), closes_on=dt.date(2025, 12, 1))
    later = _survey("Next spring", opens_on=dt.date(2027, 3, 1), closes_on=dt.date(2027, 4, 1))

    part = _residents_part(client)
    assert f'href="{open_now.public_url()}"' in part
    assert "Answer our survey: Community survey 2026" in part
    for hidden in (draft, staff, closed, later):
        assert hidden.public_url() not in part
    # The link leads to a form a resident can fill in, not to "this survey is closed".
    assert client.get(open_now.public_url()).status_code == 200


def test_login_without_open_surveys_lists_no_survey(client):
    assert "Answer our survey" not in _residents_part(client)
