"""The command staff's attendance at community meetings (004 §2.0: "the Chief of Police and
all command staff are also expected to attend community meetings"; 002 §300.4(g)): who is
command staff, the page for the Chief and the CRO, its period picker and its queries."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from desk.navigation import items_for
from outreach.command_staff import attendance_by_member, command_staff, meetings_attended
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("outreach:command-staff")
# Mid-June 2026 in the agency's time zone: "this year" is 2026, "this month" June.
NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


@pytest.fixture(autouse=True)
def _june():
    with time_machine.travel(NOW, tick=False):
        yield


EXPECTED = {
    "officer": 403,
    "supervisor": 403,
    "cro": 200,
    "chief": 200,
    "training_officer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_command_staff_page_by_role(client_for, personas, persona):
    assert client_for(personas[persona]).get(URL).status_code == EXPECTED[persona]


def test_command_staff_page_refused_to_an_administrator_without_a_role(client_for):
    admin = UserFactory(username="c-admin", is_superuser=True, is_staff=True)
    assert client_for(admin).get(URL).status_code == 403


def test_command_staff_page_sends_anonymous_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_command_staff_is_the_chief_by_role_and_members_with_the_box(chief, cro, officer):
    captain = UserFactory(username="c-captain", rank="Capt.", is_command_staff=True)
    # A second role beside the Chief's does not list the Chief twice.
    chief.groups.add(*cro.groups.all())
    assert sorted(command_staff().values_list("pk", flat=True)) == sorted([chief.pk, captain.pk])


def test_chief_sees_own_meetings_with_count_last_date_and_links(client_for, chief, officer):
    coffee = ActivityFactory(
        kind="coffee_with_chief",
        date=dt.date(2026, 5, 2),
        title="Coffee at Rosie's",
        officers=[chief],
    )
    ActivityFactory(kind="forum", date=dt.date(2026, 2, 1), title="Forum", officers=[chief])
    ActivityFactory(kind="foot_patrol", date=dt.date(2026, 5, 20), title="Patrol", officers=[chief])
    ActivityFactory(kind="forum", date=dt.date(2025, 12, 31), title="Old", officers=[chief])
    ActivityFactory(
        kind="forum",
        status="scheduled",
        date=dt.date(2026, 5, 30),
        title="Planned",
        officers=[chief],
    )
    ActivityFactory(kind="forum", date=dt.date(2026, 3, 3), title="Officer's", officers=[officer])
    response = client_for(chief).get(URL)
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row["member"], row["meetings"], row["last"]) == (chief, 2, dt.date(2026, 5, 2))
    assert [a["title"] for a in row["recent"]] == ["Coffee at Rosie's", "Forum"]
    assert response.context["total"] == 2
    html = response.text
    assert reverse("outreach:activity", args=[coffee.pk]) in html
    assert f"officer={chief.pk}&amp;date_from=2026-01-01&amp;date_to=2026-12-31" in html
    assert "Patrol" not in html and "Old" not in html and "Planned" not in html


def test_period_picker_month_and_custom(client_for, cro, chief):
    ActivityFactory(kind="coffee_with_chief", date=dt.date(2026, 6, 30), officers=[chief])
    ActivityFactory(kind="coffee_with_chief", date=dt.date(2026, 5, 31), officers=[chief])
    ActivityFactory(kind="coffee_with_chief", date=dt.date(2026, 7, 1), officers=[chief])
    client = client_for(cro)
    assert client.get(URL, {"period": "month"}).context["total"] == 1
    assert client.get(URL, {"period": "quarter"}).context["total"] == 2
    assert client.get(URL).context["total"] == 3
    custom = client.get(URL, {"period": "custom", "start": "2026-05-31", "end": "2026-07-01"})
    assert custom.context["total"] == 3
    assert (custom.context["start"], custom.context["end"]) == (
        dt.date(2026, 5, 31),
        dt.date(2026, 7, 1),
    )


@pytest.mark.parametrize(
    "params, error",
    [
        ({"period": "custom", "start": "2026-05-01"}, "Give both dates of the custom period."),
        (
            {"period": "custom", "start": "2026-05-10", "end": "2026-05-01"},
            "The custom period ends before it starts.",
        ),
        ({"period": "custom", "start": "nonsense", "end": "2026-05-01"}, "Enter a valid date."),
        ({"period": "fortnight"}, "Select a valid choice."),
    ],
)
def test_period_picker_bad_input_says_so_and_shows_the_year(client_for, cro, params, error):
    response = client_for(cro).get(URL, params)
    assert response.status_code == 200
    assert error in response.text
    assert "Showing this year." in response.text
    assert (response.context["start"], response.context["end"]) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )


def test_former_member_listed_only_when_they_attended(chief):
    gone = UserFactory(username="c-gone", is_command_staff=True, is_active=False)
    came = UserFactory(username="c-came", is_command_staff=True, is_active=False)
    ActivityFactory(kind="forum", date=dt.date(2026, 4, 4), officers=[came, chief])
    members = attendance_by_member(dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert {m.pk: m.meetings for m in members} == {chief.pk: 1, came.pk: 1}
    assert gone.pk not in {m.pk for m in members}
    # Two of them at one meeting: one meeting.
    assert meetings_attended(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 1


def test_empty_state_when_no_command_staff(client_for, cro):
    html = client_for(cro).get(URL).text
    assert "No command staff yet" in html


def test_command_staff_page_query_count_flat(client_for, chief, django_assert_max_num_queries):
    client = client_for(chief)
    ActivityFactory(kind="forum", date=dt.date(2026, 3, 1), officers=[chief])
    with django_assert_max_num_queries(15) as small:
        client.get(URL)
    for _member in range(12):
        member = UserFactory(rank="Capt.", is_command_staff=True)
        for day in range(1, 8):
            ActivityFactory(
                kind="organization_meeting", date=dt.date(2026, 4, day), officers=[member, chief]
            )
    with django_assert_max_num_queries(15) as large:
        response = client.get(URL)
    assert len(response.context["rows"]) == 13
    assert all(len(r["recent"]) == 5 for r in response.context["rows"])
    assert len(small.captured_queries) == len(large.captured_queries)


def test_navigation_lists_the_page_for_chief_and_cro_only(client_for, personas):
    def urls(user):
        found = []
        for entry in items_for(user):
            found += [c["url"] for c in entry.get("children", [entry])]
        return found

    for name, user in personas.items():
        assert (URL in urls(user)) == (name in ("chief", "cro")), name


def test_administrator_ticks_command_staff_on_the_account(client_for, officer):
    admin = UserFactory(username="c-root", dsn="9998", is_staff=True, is_superuser=True)
    html = client_for(admin).get(reverse("admin:accounts_user_change", args=[officer.pk])).text
    assert 'name="is_command_staff"' in html
    assert officer not in command_staff()
    officer.is_command_staff = True
    officer.save(update_fields=["is_command_staff"])
    assert officer in command_staff()
