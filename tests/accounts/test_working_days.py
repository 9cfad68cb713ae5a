"""Working days (issue 25): Monday to Friday, but the public holidays of the agency's
country and state and the agency's own closures; one calendar for every rule, read once
per five minutes, cleared when the profile or a closure changes; the closures page for
those who keep the profile."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, Closure
from accounts.working_days import WorkingCalendar, working_calendar
from concerns.acknowledgement import due_on, working_days_between

pytestmark = pytest.mark.django_db
URL = reverse("accounts:closures")
AGENCY_URL = reverse("accounts:agency")


def agency(country="US", subdivision="") -> Agency:
    profile = Agency.load()
    profile.holiday_country, profile.holiday_subdivision = country, subdivision
    profile.save()
    return profile


# --- The calendar ---------------------------------------------------------------------------


def test_weekends_federal_and_observed_holidays_are_not_worked():
    calendar = WorkingCalendar("US", "", {})
    assert calendar.day_off(dt.date(2026, 11, 28)) == "Saturday"
    assert calendar.day_off(dt.date(2026, 11, 26)) == "Thanksgiving Day"
    # July 4, 2026 is a Saturday: the Friday before is the observed holiday.
    assert "Independence Day" in calendar.day_off(dt.date(2026, 7, 3))
    assert calendar.is_working(dt.date(2026, 11, 25))
    # Lincoln's Birthday is Illinois's own: a working day elsewhere in the country.
    assert calendar.is_working(dt.date(2026, 2, 12))
    assert WorkingCalendar("US", "IL", {}).day_off(dt.date(2026, 2, 12)) == "Lincoln's Birthday"


def test_closures_are_not_worked_and_no_country_means_weekends_only():
    friday = dt.date(2026, 11, 27)
    calendar = WorkingCalendar("", "", {friday: "Day after Thanksgiving"})
    assert calendar.day_off(friday) == "Day after Thanksgiving"
    assert calendar.is_working(dt.date(2026, 11, 26))  # no country: Thanksgiving is worked


def test_two_working_days_over_thanksgiving_and_a_closure():
    """Routed Wednesday, November 25, 2026: Thursday is Thanksgiving and Friday the
    agency's closure, so the unit has until Tuesday; on weekdays alone, Friday."""
    wednesday = dt.date(2026, 11, 25)
    assert WorkingCalendar("", "", {}).add(wednesday, 2) == dt.date(2026, 11, 27)
    assert WorkingCalendar("US", "", {}).add(wednesday, 2) == dt.date(2026, 11, 30)
    closed = WorkingCalendar("US", "", {dt.date(2026, 11, 27): "Closed"})
    assert closed.add(wednesday, 2) == dt.date(2026, 12, 1)
    assert closed.between(wednesday, dt.date(2026, 12, 1)) == 2
    assert closed.between(dt.date(2026, 12, 1), wednesday) == 0


def test_between_agrees_with_plain_sql_over_two_years():
    """Counted by PostgreSQL from the rule: weekdays of the series not among the days off."""
    calendar = WorkingCalendar("US", "IL", {dt.date(2026, 11, 27): "Closed"})
    start = dt.date(2025, 1, 1)
    off = [
        day
        for day, _name, _own in calendar.days_off(start, dt.date(2027, 1, 1))
        if day.weekday() < 5
    ]
    assert dt.date(2026, 11, 26) in off and dt.date(2026, 2, 12) in off
    with connection.cursor() as cursor:
        for until in (dt.date(2025, 1, 2), dt.date(2025, 7, 7), dt.date(2026, 12, 31)):
            cursor.execute(
                "SELECT count(*) FROM generate_series(%s::date + 1, %s::date, interval '1 day') d"
                " WHERE extract(isodow FROM d) < 6 AND d::date <> ALL(%s)",
                [start, until, off],
            )
            assert calendar.between(start, until) == cursor.fetchone()[0], until


def test_every_rule_reads_the_agencys_calendar():
    agency("US", "IL")
    Closure.objects.create(day=dt.date(2026, 11, 27), name="Day after Thanksgiving")
    assert due_on(dt.date(2026, 11, 25)) == dt.date(2026, 12, 1)
    assert working_days_between(dt.date(2026, 11, 25), dt.date(2026, 12, 1)) == 2


def test_calendar_is_read_once_and_cleared_by_a_change(django_assert_num_queries):
    agency("US", "")
    with django_assert_num_queries(2):  # the profile's country and state, the closures
        working_calendar()
    with django_assert_num_queries(0):
        assert working_calendar().country == "US"
    Closure.objects.create(day=dt.date(2026, 11, 27), name="Closed")  # from the admin site too
    assert dt.date(2026, 11, 27) in working_calendar().closures
    agency("CA", "ON")
    assert (working_calendar().country, working_calendar().subdivision) == ("CA", "ON")
    Closure.objects.all().delete()
    assert working_calendar().closures == {}


def test_without_a_profile_the_default_country_holds():
    Agency.objects.all().delete()
    assert working_calendar().country == "US"


# --- The agency profile ---------------------------------------------------------------------


def profile_post(**extra) -> dict:
    data = {
        "name": "Riverbend PD",
        "monthly_due_day": 10,
        "quarterly_due_days": 15,
        "semi_annual_due_days": 30,
        "annual_due_days": 31,
    }
    return {**data, **extra}


def test_profile_saves_the_country_and_state_in_capitals(client_for, cro):
    response = client_for(cro).post(
        AGENCY_URL, profile_post(holiday_country="us", holiday_subdivision="il")
    )
    assert response.status_code == 302
    assert working_calendar().subdivision == "IL"
    assert Agency.load().holiday_country == "US"


@pytest.mark.parametrize(
    ("country", "subdivision", "field", "says"),
    [
        ("XX", "", "holiday_country", "No public holidays are known for “XX”"),
        ("US", "ZZ", "holiday_subdivision", "US has no state or province “ZZ”"),
        ("", "IL", "holiday_subdivision", "Give the country first."),
    ],
)
def test_profile_refuses_an_unknown_country_or_state_and_keeps_the_form(
    client_for, cro, country, subdivision, field, says
):
    response = client_for(cro).post(
        AGENCY_URL,
        profile_post(name="Kept PD", holiday_country=country, holiday_subdivision=subdivision),
    )
    assert response.status_code == 200
    assert says in response.context["form"].errors[field][0]
    assert 'value="Kept PD"' in response.content.decode()
    assert Agency.load().name != "Kept PD"


# --- The closures page ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["cro", "chief"])
def test_closures_page_open_to_those_who_keep_the_profile(client_for, personas, persona):
    agency("US", "IL")
    ahead = timezone.localdate() + dt.timedelta(days=30)  # the page lists those ahead
    Closure.objects.create(day=ahead, name="Christmas Eve")
    response = client_for(personas[persona]).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Christmas Eve" in page


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer", "outsider"])
def test_closures_page_forbidden_to_other_roles(client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"action": "add", "day": "2026-12-24", "name": "Sneaky"})
    assert response.status_code == 403
    assert not Closure.objects.exists()


def test_closures_page_sends_anonymous_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_cro_adds_a_closure_once_and_it_counts_at_once(client_for, cro):
    client = client_for(cro)
    wednesday = dt.date(2026, 11, 25)
    before = due_on(wednesday)
    data = {"action": "add", "day": "2026-11-27", "name": "Day after Thanksgiving"}
    assert client.post(URL, data).status_code == 302
    again = client.post(URL, data)  # a double submit
    assert again.status_code == 200
    assert "That day is already a closure." in again.content.decode()
    assert Closure.objects.count() == 1
    assert due_on(wednesday) > before


def test_a_closure_with_no_day_or_a_bad_day_is_refused_and_kept(client_for, cro):
    response = client_for(cro).post(URL, {"action": "add", "day": "2026-02-30", "name": "Kept"})
    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    assert 'value="Kept"' in response.content.decode()
    assert not Closure.objects.exists()


def test_cro_removes_a_closure_and_nonsense_removes_nothing(client_for, cro):
    client = client_for(cro)
    kept = Closure.objects.create(day=dt.date(2026, 12, 24), name="Christmas Eve")
    gone = Closure.objects.create(day=dt.date(2026, 11, 27), name="Day after Thanksgiving")
    working_calendar()
    assert client.post(URL, {"action": "remove", "pk": "1 OR 1=1"}).status_code == 302
    assert client.post(URL, {"action": "remove", "pk": str(gone.pk)}).status_code == 302
    assert list(Closure.objects.all()) == [kept]
    assert dt.date(2026, 11, 27) not in working_calendar().closures


def test_closures_page_lists_the_weekday_holidays_ahead(client_for, cro, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 12, tzinfo=dt.UTC), tick=False)
    agency("US", "IL")
    page = client_for(cro).get(URL).content.decode()
    assert "Thanksgiving Day" in page and "Lincoln&#x27;s Birthday" in page
    assert "Independence Day (observed)" in page  # Monday, July 5, 2027


def test_closures_page_reads_a_fixed_number_of_queries(client_for, cro):
    client = client_for(cro)
    Agency.load()  # made once in a department's life (and its saving clears the calendar)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(12):
        Closure.objects.create(day=dt.date(2026, 1, 5) + dt.timedelta(days=n), name=f"Day {n}")
    working_calendar()
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few)
