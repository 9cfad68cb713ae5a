"""Searchable pickers (issue 23): the activity lookup behind the hand-out form's picker, by
role and in a fixed number of queries; the forms that pick people, organizations and
activities render pickers, and only the chosen options when the table is long."""

import datetime as dt

import pytest
from django.urls import reverse

from core.roles import Role
from core.widgets import LookupSelect
from outreach.forms import ActivityForm, DistributionForm
from outreach.models import Material
from tests.factories import ActivityFactory, MaterialFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

LOOKUP = reverse("outreach:activity-lookup")


def labels(response) -> list[str]:
    return [found["label"] for found in response.json()["results"]]


def test_activity_lookup_anonymous_is_sent_to_login(client):
    response = client.get(LOOKUP, {"q": "watch"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_activity_lookup_refuses_a_member_without_a_role(client_for, outsider):
    assert client_for(outsider).get(LOOKUP, {"q": "watch"}).status_code == 403


def test_activity_lookup_gives_an_officer_only_their_own(client_for, officer, other_officer):
    ActivityFactory(title="Maple watch meeting", logged_by=officer, date=dt.date(2026, 5, 2))
    ActivityFactory(title="Maple school visit", logged_by=other_officer, date=dt.date(2026, 5, 3))
    ActivityFactory(
        title="Maple block party",
        logged_by=other_officer,
        officers=[other_officer, officer],
        date=dt.date(2026, 5, 4),
    )
    response = client_for(officer).get(LOOKUP, {"q": "maple"})
    assert response.status_code == 200
    assert labels(response) == [
        "2026-05-04 · Maple block party",
        "2026-05-02 · Maple watch meeting",
    ]


def test_activity_lookup_gives_the_cro_every_match_by_title_or_organization(client_for, cro):
    elm = OrganizationFactory(name="Elm Street Block Club")
    ActivityFactory(title="Spring meeting", organization=elm, date=dt.date(2026, 4, 1))
    ActivityFactory(title="Elm clean-up", date=dt.date(2026, 4, 2))
    ActivityFactory(title="Oak fair", date=dt.date(2026, 4, 3))
    response = client_for(cro).get(LOOKUP, {"q": "elm"})
    assert labels(response) == ["2026-04-02 · Elm clean-up", "2026-04-01 · Spring meeting"]
    assert response.json()["more"] is False


def test_activity_lookup_says_when_there_is_more(client_for, cro):
    ActivityFactory.create_batch(31, title="Bike patrol")
    data = client_for(cro).get(LOOKUP, {"q": "bike"}).json()
    assert len(data["results"]) == 30 and data["more"] is True


@pytest.mark.parametrize("rows", [3, 40])
def test_activity_lookup_queries_do_not_grow_with_rows(
    client_for, cro, rows, django_assert_max_num_queries
):
    ActivityFactory.create_batch(rows, title="Coffee with a cop")
    client = client_for(cro)
    with django_assert_max_num_queries(6):
        assert client.get(LOOKUP, {"q": "coffee"}).status_code == 200


def test_activity_form_picks_officers_and_organization_with_pickers(monkeypatch, cro):
    monkeypatch.setattr(LookupSelect, "threshold", 2)
    OrganizationFactory.create_batch(3)
    officers = [UserFactory(roles=[Role.OFFICER]) for _ in range(3)]
    html = str(ActivityForm(initial={"officers": [officers[0].pk]}))
    officers_select = html.split('name="officers"')[1].split("</select>")[0]
    assert "data-picker" in officers_select and "multiple" in officers_select
    assert f'data-picker-url="{reverse("accounts:member-lookup")}"' in officers_select
    # Past the threshold only the chosen member comes with the page.
    assert officers_select.count("<option") == 1
    assert officers[0].display_name in officers_select
    assert "Hold Ctrl" not in html
    organization = html.split('name="organization"')[1].split("</select>")[0]
    assert "data-picker-url" in organization and "data-searchable" not in organization


def test_distribution_form_offers_only_activities_the_user_may_see(officer, other_officer):
    mine = ActivityFactory(title="Mine", logged_by=officer)
    theirs = ActivityFactory(title="Theirs", logged_by=other_officer)
    form = DistributionForm(user=officer)
    assert list(form.fields["activity"].queryset) == [mine]
    refused = DistributionForm(
        {"date": "2026-05-01", "quantity": "3", "activity": theirs.pk}, user=officer
    )
    assert not refused.is_valid() and "activity" in refused.errors


def _approved_material(cro):
    material = MaterialFactory(created_by=cro)
    Material.objects.filter(pk=material.pk).update(status=Material.Status.APPROVED)
    return material


@pytest.mark.parametrize("rows", [6, 30])
def test_hand_out_form_renders_the_chosen_activity_only(
    client_for, cro, monkeypatch, rows, django_assert_max_num_queries
):
    monkeypatch.setattr(LookupSelect, "threshold", 5)
    ActivityFactory.create_batch(rows, title="Bike rodeo")
    material = _approved_material(cro)
    client = client_for(cro)
    with django_assert_max_num_queries(25):
        page = client.get(material.get_absolute_url()).content.decode()
    select = page.split('name="activity"')[1].split("</select>")[0]
    assert "data-picker-url" in select
    assert "Bike rodeo" not in select  # the lookup brings them as the CRO types
    assert "---------" not in select


def test_hand_out_with_an_activity_is_recorded_and_bad_input_kept(client_for, cro):
    activity = ActivityFactory(title="Safety fair", date=dt.date(2026, 5, 1))
    material = _approved_material(cro)
    client = client_for(cro)
    url = reverse("outreach:material-distribute", args=[material.pk])
    bad = client.post(url, {"date": "2026-05-01", "quantity": "0", "activity": activity.pk})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Ensure this value is greater than or equal to 1." in html
    assert f'<option value="{activity.pk}" selected>2026-05-01 · Safety fair</option>' in html
    good = client.post(url, {"date": "2026-05-01", "quantity": "4", "activity": activity.pk})
    assert good.status_code == 302
    assert material.distributions.get().activity == activity
