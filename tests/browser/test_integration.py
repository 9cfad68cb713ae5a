import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from concerns.models import Concern
from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import ActivityFactory, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_cro_imports_a_spreadsheet_issues_a_311_key_and_subscribes_a_calendar(
    page_as, screenshot, tmp_path
):
    AgencyFactory()
    cro = UserFactory(username="g-cro", rank="Lt.", roles=[Role.CRO])
    ActivityFactory(title="Harbor block party", officers=[cro], logged_by=cro)
    bad = tmp_path / "old-concerns.csv"
    bad.write_text(
        "date_received,source_type,category,area,description\n"
        "2019-02-30,citizen,traffic,Elm Street,Speeding at pick-up time\n"
        "2019-03-04,citizen,Trafic,Oak Park,Music after midnight\n"
    )
    good = tmp_path / "old-concerns-fixed.csv"
    good.write_text(
        "Date,From,Type,Where,What\n"
        "2019-02-28,citizen,traffic,Elm Street,Speeding at pick-up time\n"
        "2019-03-04,citizen,noise,Oak Park,Music after midnight\n"
    )

    # The CRO uploads last decade's spreadsheet; every problem is listed, nothing saved.
    page = page_as(cro)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Setup").click()
    nav.get_by_role("link", name="Import records").click()
    page.wait_for_url("**/import/")
    assert serious_axe_violations(page) == []
    page.get_by_label("Spreadsheet").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/import/check/"))
    problems = page.get_by_role("table", name="Problems by row and column")
    assert problems.get_by_text("“2019-02-30” is not a date").is_visible()
    assert problems.get_by_text("“Trafic” is not one of the choices").is_visible()
    assert page.get_by_role("button", name=re.compile("^Import")).count() == 0
    assert serious_axe_violations(page) == []
    screenshot(page, "import-problems")
    assert not Concern.objects.exists()

    # The corrected file has other column names: the CRO matches them, then imports.
    page.goto("/import/")
    page.get_by_label("Spreadsheet").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_url(re.compile(r"/import/check/"))
    for label, header in (
        ("Date received (required)", "Date"),
        ("Who raised it (required)", "From"),
        ("Category (required)", "Type"),
        ("Where (required)", "Where"),
        ("What the concern is (required)", "What"),
    ):
        page.get_by_label(label).select_option(header)
    page.get_by_role("button", name="Check again with these columns").click()
    expect(page.get_by_text("All 2 rows can be imported")).to_be_visible()
    page.get_by_role("button", name="Import 2 records").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    assert page.get_by_text("2 records imported").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "import-done")
    assert sorted(Concern.objects.values_list("reference", flat=True)) == [
        "CR-2019-0001",
        "CR-2019-0002",
    ]

    # A key for the city's 311 system, shown once.
    page.goto("/concerns/open311-keys/")
    page.get_by_label(re.compile("Who will use the key")).fill("City 311 system")
    page.get_by_role("button", name="Issue a key").click()
    key = page.locator("#new-key").input_value()
    assert len(key) > 30
    assert serious_axe_violations(page) == []
    page.goto("/concerns/open311-keys/")
    assert key not in page.content()

    # A calendar link; the feed it gives is a calendar with the CRO's activity.
    page.goto("/calendar/")
    page.get_by_role("button", name="Make a calendar link").click()
    link = page.locator("#feed-link").input_value()
    assert serious_axe_violations(page) == []
    screenshot(page, "calendar-link")
    feed = page.request.get(link.replace("http://127.0.0.1:8000", ""))
    calendar = Calendar.from_ical(feed.body())
    titles = [str(e.get("SUMMARY")) for e in calendar.walk("VEVENT")]
    assert "Harbor block party" in titles
