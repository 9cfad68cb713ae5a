import re

import pytest
from playwright.sync_api import expect

from concerns.models import Concern
from core.roles import Role
from outreach.models import CommunityOrganization
from tests.browser import journeys
from tests.browser.conftest import serious_axe_violations
from tests.factories import ConcernFactory, DepartmentFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def open_step(page, title):
    step = page.locator("details", has=page.locator("summary", has_text=title)).first
    journeys.open_step(step)


def test_concern_from_officer_to_resolution(page_as, screenshot):
    officer = UserFactory(username="j-officer", first_name="Dana", roles=[Role.OFFICER])
    supervisor = UserFactory(username="j-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR])
    cro = UserFactory(username="j-cro", rank="Lt.", roles=[Role.CRO])
    DepartmentFactory(name="Public Works", response_days=10)

    # An officer logs what a resident said, then escalates it.
    page = page_as(officer)
    page.get_by_role("link", name="Log a concern").first.click()
    page.get_by_label("Category").select_option(label="Street lighting")
    page.get_by_label("Where").fill("Willow Creek trail")
    page.get_by_label("Summary").fill("Three street lights out on the Willow Creek trail")
    page.get_by_label("What is the concern?").fill("Three lights out along the trail since May.")
    page.get_by_text("More details").click()  # suggestions and the source's name are in it
    page.get_by_label("Suggestions and alternate courses of action").fill("Ask Public Works.")
    page.get_by_label("Who raised it").select_option(label="Neighborhood or business watch")
    page.get_by_label("Name of the person or group").fill("Willow Creek Watch")
    screenshot(page, "concern-intake")
    page.get_by_role("button", name="Log concern").click()
    page.wait_for_url(re.compile(r"/concerns/CR-\d{4}-\d{4}/$"))
    reference = page.locator("h1").inner_text()
    assert page.get_by_text(f"Concern {reference} was logged.").is_visible()
    assert page.locator("p.concern-summary").inner_text() == (
        "Three street lights out on the Willow Creek trail"
    )
    open_step(page, "Escalate to a supervisor")
    page.locator("#id_escalate-note").fill("Public Works, not patrol.")
    page.get_by_role("button", name="Escalate", exact=True).click()
    assert page.locator(".status-badge").inner_text() == "Escalated to supervisor"

    # The supervisor finds it in their queue and forwards it.
    page = page_as(supervisor)
    page.locator("#waiting-escalated").get_by_role("link", name=reference).click()
    open_step(page, "Forward to the CRO")
    page.get_by_role("button", name="Forward to CRO").click()
    assert page.locator(".status-badge").inner_text() == "Forwarded to CRO"

    # The CRO recommends, refers to Public Works, records the answer and resolves.
    page = page_as(cro)
    page.goto(f"/concerns/{reference}/")
    open_step(page, "Recommend an action")
    page.locator("#id_recommend-text").fill("Refer to Public Works for repair.")
    page.get_by_role("button", name="Recommend").click()
    open_step(page, "Refer to a department")
    page.get_by_label("Department or agency").select_option(label="Public Works")
    page.get_by_role("button", name="Refer", exact=True).click()
    assert page.locator(".status-badge").inner_text() == "Referred"
    open_step(page, "Record a department's response")
    page.get_by_label("Their response").fill("Crew replaced the three lights.")
    page.get_by_role("button", name="Record response").click()
    expect(
        page.get_by_text("Public Works responded: Crew replaced the three lights.")
    ).to_be_visible()
    open_step(page, "Resolve")
    page.locator("#id_resolve-text").fill("Lights fixed; the watch group was told.")
    page.get_by_role("button", name="Resolve", exact=True).click()
    assert page.locator(".status-badge").inner_text() == "Resolved"
    screenshot(page, "concern-resolved")

    concern = Concern.objects.get(reference=reference)
    kinds = list(concern.updates.values_list("kind", flat=True))
    assert kinds == [
        "received",
        "escalated",
        "forwarded",
        "recommendation",
        "referred",
        "response",
        "resolved",
    ]


def test_cro_list_filters_and_searches(page_as, screenshot):
    from tests.factories import ConcernFactory

    cro = UserFactory(username="j-cro2", roles=[Role.CRO])
    ConcernFactory(category="noise", description="Loud generator at night", area="Oak Hollow")
    ConcernFactory(category="traffic", description="Speeding near the school", area="Elm")
    page = page_as(cro)
    page.goto("/concerns/")
    page.get_by_label("Search").fill("generator")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/concerns/?q=generator*")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)  # waits for the new page's rows, not the old page's
    assert "Oak Hollow" in rows.first.inner_text()
    screenshot(page, "concern-list-search")


def test_resident_sends_public_form_on_a_phone(phone_page, screenshot):
    page = phone_page
    page.goto("/feedback/")
    assert serious_axe_violations(page) == []
    page.get_by_label("What is it about?", exact=True).select_option(label="Noise")
    page.get_by_label("Where?").fill("Cedar Grove apartments")
    page.get_by_label("In a few words, what is it about?").fill("Loud music on Saturdays")
    page.get_by_label("Tell us about it").fill("Music until 3 am every Saturday.")
    page.get_by_label("Email").fill("resident@example.org")
    page.get_by_label("You may contact me about this").check()
    screenshot(page, "feedback-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/feedback/received/")
    reference = page.locator(".reference-number").inner_text()
    assert re.fullmatch(r"CR-\d{4}-\d{4}", reference)
    screenshot(page, "feedback-received-phone")
    concern = Concern.objects.get(reference=reference)
    assert concern.source_type == "web_form"
    assert concern.summary == "Loud music on Saturdays"
    assert concern.consent_to_contact


def test_public_form_errors_keep_what_was_typed(page):
    page.goto("/feedback/")
    page.get_by_label("Where?").fill("Main Street")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert page.get_by_label("Where?").input_value() == "Main Street"
    assert not Concern.objects.exists()


def test_officer_finds_one_of_many_organizations_by_typing(page_as, screenshot, monkeypatch):
    from core.widgets import LookupSelect

    # More organizations than the page carries: the list is filled by what is typed.
    monkeypatch.setattr(LookupSelect, "threshold", 3)
    officer = UserFactory(username="c-lookup", roles=[Role.OFFICER])
    for name in ("Elm Street Block Club", "Oak Park Seniors", "Birch Lane Parents"):
        OrganizationFactory(name=name)
    OrganizationFactory(name="Maple Heights Neighborhood Watch")
    page = page_as(officer)
    page.goto("/concerns/new/")
    organization = page.locator("select[name=organization]")
    assert organization.locator("option").count() == 1  # only the blank choice came
    # The combobox asks the lookup as the officer types (static/js/pickers.js).
    combobox = page.get_by_role("combobox", name="Community organization that raised it")
    combobox.click()
    page.keyboard.type("no such group")
    expect(page.get_by_text("No match for")).to_be_visible()
    combobox.fill("")
    page.keyboard.type("maple hei")
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_have_text(
        "Maple Heights Neighborhood Watch"
    )
    page.keyboard.press("Enter")
    expect(organization).to_have_value(
        str(CommunityOrganization.objects.get(name__startswith="Maple").pk)
    )
    screenshot(page, "intake-organization-lookup")
    assert serious_axe_violations(page) == []
    page.get_by_label("Category").select_option(label="Traffic")
    page.get_by_label("Where").fill("Maple and 3rd")
    page.get_by_label("Summary").fill("Cut-through traffic at school time")
    page.get_by_label("What is the concern?").fill("Cut-through traffic at school time.")
    page.get_by_label("Who raised it").select_option(label="Neighborhood or business watch")
    page.get_by_role("button", name="Log concern").click()
    page.wait_for_url(re.compile(r"/concerns/CR-\d{4}-\d{4}/$"))
    assert Concern.objects.get().organization.name == "Maple Heights Neighborhood Watch"


def test_cro_opens_a_step_and_assigns_by_typing_a_name(page_as, screenshot, monkeypatch):
    from core.widgets import LookupSelect

    # The step's form comes when the step is opened; with more members than the page
    # carries, the member is found by typing.
    monkeypatch.setattr(LookupSelect, "threshold", 2)
    cro = UserFactory(username="c-assign", roles=[Role.CRO])
    UserFactory(username="c-other", first_name="Dana", last_name="Brooks", roles=[Role.OFFICER])
    chosen = UserFactory(
        username="c-vega", first_name="Luis", last_name="Vega", dsn="5410", roles=[Role.OFFICER]
    )
    concern = ConcernFactory(status="forwarded")
    page = page_as(cro)
    page.goto(concern.get_absolute_url())
    step = page.locator("#step-assign")
    assert step.locator("select").count() == 0  # not in the page until opened
    journeys.open_step(step)
    step.get_by_role("combobox", name="Assign to").click()
    page.keyboard.type("5410")
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_contain_text("Vega")
    page.keyboard.press("Enter")
    expect(step.locator("select[data-picker]")).to_have_value(str(chosen.pk))
    screenshot(page, "concern-assign-lookup")
    assert serious_axe_violations(page) == []
    step.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("Assigned.", exact=True)).to_be_visible()
    concern.refresh_from_db()
    assert concern.assignee == chosen
