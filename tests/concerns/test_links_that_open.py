"""A concern page links only to what the person may open (issue 23): the outreach activity
a concern was raised at is named as text for anyone who did not take part in it, where a
link used to lead to "Page not found"."""

import pytest
from django.test import Client

from tests.conftest import sign_in
from tests.factories import ActivityFactory, ConcernFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised_at(officer, other_officer):
    activity = ActivityFactory(
        title="Coffee with a cop at the library",
        logged_by=other_officer,
        organization=OrganizationFactory(name="Elm Street Watch"),
    )
    return ConcernFactory(
        reported_by=officer, activity=activity, organization=activity.organization
    )


def _page(user, concern) -> str:
    response = sign_in(Client(), user).get(concern.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_someone_who_did_not_take_part_sees_the_activity_as_text(officer, raised_at):
    page = _page(officer, raised_at)
    assert "Coffee with a cop at the library" in page
    assert raised_at.activity.get_absolute_url() not in page
    # And the link the page does not give would indeed not open.
    assert sign_in(Client(), officer).get(raised_at.activity.get_absolute_url()).status_code == 404


def test_those_who_may_open_it_get_the_link(cro, other_officer, raised_at):
    assert raised_at.activity.get_absolute_url() in _page(cro, raised_at)
    raised_at.activity.officers.add(raised_at.reported_by)
    assert raised_at.activity.get_absolute_url() in _page(raised_at.reported_by, raised_at)


def test_the_organization_is_linked_only_for_those_who_may_see_organizations(
    officer, cro, raised_at
):
    url = raised_at.organization.get_absolute_url()
    for user in (officer, cro):
        opens = sign_in(Client(), user).get(url).status_code == 200
        assert (url in _page(user, raised_at)) == opens


@pytest.mark.parametrize(
    ("priority", "badge"),
    [("urgent", "text-bg-danger priority-urgent"), ("high", "text-bg-warning priority-high")],
)
def test_urgent_and_high_have_badges_of_their_own(cro, priority, badge):
    page = _page(cro, ConcernFactory(priority=priority))
    assert f'class="badge {badge}"' in page
    other = {"urgent": "priority-high", "high": "priority-urgent"}[priority]
    assert other not in page


def test_a_normal_concern_has_no_priority_badge(cro):
    assert "priority-" not in _page(cro, ConcernFactory(priority="normal"))
