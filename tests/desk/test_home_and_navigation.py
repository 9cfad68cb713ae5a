import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

AGENCY_LINK = 'href="/accounts/agency/"'


@pytest.mark.parametrize(
    ("persona", "heading", "sees_agency_link"),
    [
        ("officer", "As Officer", False),
        ("supervisor", "As Supervisor", False),
        ("cro", "As Community Relations Officer", True),
        ("chief", "As Chief", True),
        ("training_officer", "As Training Officer", False),
    ],
)
def test_home_shows_each_role_its_own_work(
    client_for, personas, persona, heading, sees_agency_link
):
    response = client_for(personas[persona]).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert heading in html
    assert (AGENCY_LINK in html) is sees_agency_link


def test_home_for_user_without_role_says_what_to_do(client_for, outsider):
    html = client_for(outsider).get(reverse("home")).content.decode()
    assert "You hold no role yet" in html
    assert AGENCY_LINK not in html


def test_home_for_user_with_several_roles_shows_each(client_for, db):
    from core.roles import Role
    from tests.factories import UserFactory

    user = UserFactory(roles=[Role.SUPERVISOR, Role.TRAINING_OFFICER])
    html = client_for(user).get(reverse("home")).content.decode()
    assert "As Supervisor" in html
    assert "As Training Officer" in html


def test_footer_names_the_agency(client_for, officer):
    from tests.factories import AgencyFactory

    AgencyFactory(name="Lakeside Police Department")
    html = client_for(officer).get(reverse("home")).content.decode()
    assert "Lakeside Police Department · Community Relations" in html


def test_home_query_count_is_small(client_for, officer, django_assert_max_num_queries):
    client = client_for(officer)
    # The session, the user and their roles; what waits (a count, and the rows only when
    # something does); the community-input assignment, asked once for the page's task and
    # the menu's entry; the agency's name; the unread notifications' count; the session's
    # save. desk/test_home_waiting.py checks the count stays the same as rows grow, for
    # every role.
    with django_assert_max_num_queries(7):
        client.get(reverse("home"))
