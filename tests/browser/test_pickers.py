"""Searchable pickers in the browser (issue 23): "Log and escalate" in one step; the officers of
an activity picked by typing, no Ctrl-click; the hand-out form's activity found by the lookup
among hundreds. Every page passes axe and the Content-Security-Policy (the fixtures)."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from concerns.models import Concern, ConcernUpdate
from core.roles import Role
from core.widgets import LookupSelect
from outreach.models import Material, OutreachActivity
from tests.browser.conftest import serious_axe_violations
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    MaterialFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def pick(page, label: str, typed: str, choice: str) -> None:
    """Type into the combobox, wait for the choice to be the highlighted one, take it."""
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(typed)
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_have_text(
        re.compile(re.escape(choice))
    )
    page.keyboard.press("Enter")


def closed_pickers(page) -> None:
    """Before axe looks: no list open or fading out."""
    page.keyboard.press("Escape")
    expect(page.locator(".ts-dropdown:visible")).to_have_count(0)


def test_officer_logs_and_escalates_in_one_step(page_as):
    AgencyFactory()
    officer = UserFactory(username="p-officer", roles=[Role.OFFICER])
    page = page_as(officer)
    page.goto("/concerns/new/")
    page.get_by_label("Category").select_option(label="Youth")
    page.get_by_label("Who raised it").select_option(label="School")
    page.get_by_label("Where").fill("Lincoln Elementary")
    page.get_by_label("What is the concern?").fill("Older teens wait at the gate at 3 pm.")
    page.get_by_role("button", name="Log and escalate").click()
    page.wait_for_url(re.compile(r"/concerns/CR-\d{4}-\d{4}/$"))
    expect(page.get_by_text("logged and escalated to a supervisor")).to_be_visible()
    concern = Concern.objects.get()
    assert concern.status == Concern.Status.ESCALATED
    assert concern.updates.filter(kind=ConcernUpdate.Kind.ESCALATED, author=officer).exists()


def test_activity_officers_and_organization_are_picked_by_typing(page_as, screenshot):
    officer = UserFactory(username="p-officer2", first_name="Dana", roles=[Role.OFFICER])
    partner = UserFactory(
        username="p-partner", first_name="Rosa", last_name="Quintero", roles=[Role.OFFICER]
    )
    other = UserFactory(
        username="p-other", first_name="Sam", last_name="Okafor", roles=[Role.OFFICER]
    )
    OrganizationFactory(name="Maple Heights Neighborhood Watch")
    page = page_as(officer)
    page.goto("/outreach/activities/new/")
    page.get_by_label("Kind of activity").select_option(
        label="Meeting with a community organization"
    )
    page.get_by_label("What was it").fill("Monthly watch meeting")
    pick(page, "Organization", "maple", "Maple Heights Neighborhood Watch")
    pick(page, "Officers", "quint", "Rosa Quintero")
    page.keyboard.type("okaf")
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_contain_text(
        "Okafor"
    )
    page.keyboard.press("Enter")
    # Backspace takes the last one off again: no Ctrl-click anywhere.
    page.keyboard.press("Backspace")
    page.get_by_label("Location", exact=True).fill("Maple Heights")
    page.get_by_label("Attendance").fill("18")
    page.get_by_label("Staff hours").fill("2")
    closed_pickers(page)
    assert serious_axe_violations(page) == []
    screenshot(page, "activity-pickers")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/outreach/activities/\d+/$"))
    activity = OutreachActivity.objects.get()
    assert activity.organization.name == "Maple Heights Neighborhood Watch"
    assert set(activity.officers.all()) == {officer, partner}  # the logger comes chosen
    assert other not in activity.officers.all()


def test_hand_out_finds_the_activity_among_many_by_typing(page_as, screenshot, monkeypatch):
    # More activities than the page carries: the picker asks the lookup as the CRO types.
    monkeypatch.setattr(LookupSelect, "threshold", 5)
    cro = UserFactory(username="p-cro", roles=[Role.CRO])
    ActivityFactory.create_batch(8, title="Coffee with a cop")
    fair = ActivityFactory(title="Riverside safety fair")
    material = MaterialFactory(created_by=cro, name="Bike stickers")
    Material.objects.filter(pk=material.pk).update(status=Material.Status.APPROVED)
    page = page_as(cro)
    page.goto(material.get_absolute_url())
    page.get_by_label("Quantity").fill("40")
    pick(page, "At an activity", "riverside", "Riverside safety fair")
    closed_pickers(page)
    assert serious_axe_violations(page) == []
    screenshot(page, "material-hand-out-picker")
    page.get_by_role("button", name=re.compile("Record")).click()
    expect(page.get_by_text("The distribution was recorded.")).to_be_visible()
    assert material.distributions.get().activity == fair


@pytest.fixture
def hand_out(page_as, monkeypatch):
    """The hand-out form of an approved material, as a CRO, with more activities than the
    page carries: its activity picker asks the lookup as the CRO types."""
    monkeypatch.setattr(LookupSelect, "threshold", 5)
    cro = UserFactory(username="p-cro-lookup", roles=[Role.CRO])
    ActivityFactory.create_batch(8, title="Coffee with a cop")
    ActivityFactory(title="Riverside safety fair")
    material = MaterialFactory(created_by=cro, name="Bike stickers")
    Material.objects.filter(pk=material.pk).update(status=Material.Status.APPROVED)
    page = page_as(cro)
    page.goto(material.get_absolute_url())
    return page


def held_answer(page, typed: str):
    """Type `typed` into the activity picker, its lookup's answer held (others pass); the
    function returned lets that answer go and waits for it to arrive."""
    held = []

    def hold(route):
        if parse_qs(urlparse(route.request.url).query).get("q") == [typed]:
            held.append(route)
        else:
            route.continue_()

    def release():
        with page.expect_response(lambda response: f"q={typed}" in response.url):
            held[0].continue_()

    page.route("**/outreach/activities/lookup/**", hold)
    page.get_by_role("combobox", name="At an activity").click()
    with page.expect_request(lambda request: f"q={typed}" in request.url):
        page.keyboard.type(typed)
    return release


def test_a_late_answer_to_earlier_text_leaves_the_chosen_picker_closed(hand_out):
    # Each pause in typing asks the lookup. The answer to "ri" is held until the CRO has typed
    # on and chosen: it must not open the list again over the form.
    page = hand_out
    release = held_answer(page, "ri")
    page.keyboard.type("verside")
    listbox = page.get_by_role("listbox")
    fair = re.compile("Riverside safety fair")
    expect(listbox.get_by_role("option", selected=True)).to_have_text(fair)
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    waiting = page.locator(".ts-wrapper.loading")
    expect(waiting).to_have_count(1)  # the held answer is still to come
    release()
    expect(waiting).to_have_count(0)
    expect(listbox).to_be_hidden()
    expect(page.locator(".ts-control .item")).to_have_text(fair)


def test_a_dropped_answer_leaves_no_spinner_in_an_open_list(hand_out):
    # The text is cleared while the lookup for it is out: the list stays open, and once
    # that answer comes (and is dropped) it no longer says it is loading.
    page = hand_out
    release = held_answer(page, "co")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    spinner = page.locator(".ts-dropdown .spinner")
    expect(spinner).to_have_count(1)  # the answer to "co" is still to come
    release()
    expect(page.locator(".ts-wrapper.loading")).to_have_count(0)
    expect(spinner).to_have_count(0)
