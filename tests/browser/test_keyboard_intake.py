"""A typical concern logged by keyboard alone in under a minute (issue 23): the cursor starts
in the first field, the organization is found by typing part of its name, at most 12 Tab
presses, and typing at 0.25 s a character plus the pages' own time stays under 60 s."""

import re
import time

import pytest
from playwright.sync_api import expect

from concerns.models import Concern
from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import AgencyFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SECONDS_A_CHARACTER = 0.25
DESCRIPTION = (
    "Parents at the watch meeting said drivers cut through Maple Avenue at school time to "
    "avoid the lights on 3rd Street. They speed past the crossing guard; two near misses "
    "with children last week."
)


class Keyboard:
    """The page's keyboard, counting what the officer types and each Tab."""

    def __init__(self, page):
        self.page, self.typed, self.tabs = page, 0, 0

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.typed += len(text)

    def tab(self) -> None:
        self.page.keyboard.press("Tab")
        self.tabs += 1
        self.typed += 1

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.typed += 1


def test_officer_logs_a_typical_concern_by_keyboard_in_under_a_minute(page_as, screenshot):
    AgencyFactory()
    officer = UserFactory(
        username="k-officer", first_name="Dana", rank="Officer", roles=[Role.OFFICER]
    )
    for name in ("Elm Street Block Club", "Oak Park Seniors", "Maple Grove Church"):
        OrganizationFactory(name=name)
    watch = OrganizationFactory(name="Maple Heights Neighborhood Watch")
    page = page_as(officer)
    keys = Keyboard(page)

    started = time.monotonic()
    page.goto("/concerns/new/")
    page_time = time.monotonic() - started

    # The cursor is in the first field already.
    expect(page.get_by_label("Category")).to_be_focused()
    keys.type("tr")  # the list jumps to Traffic
    keys.tab()
    expect(page.get_by_label("Who raised it")).to_be_focused()
    keys.type("n")  # Neighborhood or business watch
    keys.tab()
    organization = page.get_by_role("combobox", name="Community organization that raised it")
    expect(organization).to_be_focused()
    keys.type("hei")
    # The list shows what matches as it is typed; Enter takes the one highlighted.
    expect(page.get_by_role("option", name="Maple Grove Church")).to_be_hidden()
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_have_text(
        "Maple Heights Neighborhood Watch"
    )
    keys.press("Enter")
    keys.tab()
    expect(page.get_by_label("Where")).to_be_focused()
    keys.type("Maple & 3rd")
    keys.tab()
    expect(page.get_by_label("What is the concern?")).to_be_focused()
    keys.type(DESCRIPTION)
    keys.tab()
    # The summary may be left to the description's first sentence.
    expect(page.get_by_label("Summary")).to_be_focused()
    keys.tab()
    expect(page.get_by_role("button", name="Log concern")).to_be_focused()
    screenshot(page, "intake-keyboard-filled")

    started = time.monotonic()
    keys.press("Enter")
    page.wait_for_url(re.compile(r"/concerns/CR-\d{4}-\d{4}/$"))
    page_time += time.monotonic() - started

    concern = Concern.objects.get()
    assert (concern.category, concern.source_type) == ("traffic", "watch_group")
    assert concern.organization == watch
    assert concern.description == DESCRIPTION
    assert concern.summary == DESCRIPTION.split(". ")[0] + "."
    assert concern.status == Concern.Status.RECEIVED
    assert concern.reported_by == officer
    assert len(DESCRIPTION) >= 180
    assert keys.tabs <= 12, f"{keys.tabs} Tab presses"
    budget = keys.typed * SECONDS_A_CHARACTER + page_time
    assert budget < 60, f"{keys.typed} keys and {page_time:.1f} s of pages: {budget:.1f} s"


def test_the_intake_is_one_field_a_stop_with_one_warning(page_as):
    """The date received is one stop in "More details"; the warning about criminal-justice
    information is said once; the combobox passes axe."""
    AgencyFactory()
    officer = UserFactory(username="k-officer2", roles=[Role.OFFICER])
    page = page_as(officer)
    page.goto("/concerns/new/")
    expect(page.get_by_text("Do not enter criminal-justice information")).to_have_count(1)
    expect(page.get_by_label("Date received")).to_be_hidden()
    page.get_by_text("More details").click()
    date = page.get_by_label("Date received")
    expect(date).to_be_visible()
    date.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Priority")).to_be_focused()
    assert serious_axe_violations(page) == []
    # Changed by keyboard, and checked: a date in the future is refused, what was typed kept.
    date.fill("2999-01-01")
    page.get_by_label("Summary").fill("Kept after the error")
    page.get_by_role("button", name="Log concern").click()
    expect(page.get_by_text("cannot be in the future")).to_be_visible()
    expect(page.get_by_label("Date received")).to_be_visible()  # "More details" opened
    expect(page.get_by_label("Date received")).to_have_value("2999-01-01")
    expect(page.get_by_label("Summary")).to_have_value("Kept after the error")
    assert not Concern.objects.exists()
