import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concerns.models import Concern
from core.roles import Role
from outreach.models import Material, OutreachActivity, TrainingNeed
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (120, 80), "#0f2a4a").save(out, "PNG")
    return out.getvalue()


def test_officer_logs_watch_meeting_and_raises_concern(page_as, screenshot):
    officer = UserFactory(username="o-officer", roles=[Role.OFFICER])
    OrganizationFactory(name="Maple Heights Neighborhood Watch", area="Maple Heights")
    page = page_as(officer)
    page.goto("/outreach/activities/new/")
    page.get_by_label("Kind of activity").select_option(
        label="Meeting with a community organization"
    )
    page.get_by_label("What was it").fill("Monthly watch meeting")
    # The organization picker (static/js/pickers.js): type part of the name, Enter.
    page.get_by_role("combobox", name="Organization").click()
    page.keyboard.type("maple")
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_have_text(
        "Maple Heights Neighborhood Watch"
    )
    page.keyboard.press("Enter")
    page.get_by_label("Location", exact=True).fill("Maple Heights")
    page.get_by_label("Attendance").fill("18")
    page.get_by_label("Staff hours").fill("2")
    screenshot(page, "activity-new")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/outreach/activities/\d+/$"))
    assert page.get_by_text("The activity was logged.").is_visible()

    page.get_by_role("link", name="Log a concern raised here").click()
    assert page.get_by_label("Where").input_value() == "Maple Heights"
    page.get_by_label("Category").select_option(label="Traffic")
    page.get_by_label("Summary").fill("Cut-through traffic speeding on Birch Lane")
    page.get_by_label("What is the concern?").fill("Cut-through traffic speeds on Birch Lane.")
    page.get_by_role("button", name="Log concern").click()
    page.wait_for_url(re.compile(r"/concerns/CR-\d{4}-\d{4}/$"))
    assert page.get_by_role("link", name="Monthly watch meeting").is_visible()
    screenshot(page, "concern-from-activity")

    activity = OutreachActivity.objects.get()
    concern = Concern.objects.get()
    assert concern.activity == activity
    assert concern.organization.name == "Maple Heights Neighborhood Watch"
    assert concern.source_type == "watch_group"


def test_cro_uploads_design_and_chief_approves(page_as, screenshot, tmp_path):
    cro = UserFactory(username="o-cro", roles=[Role.CRO])
    chief = UserFactory(username="o-chief", rank="Chief", roles=[Role.CHIEF])
    design = tmp_path / "sticker.png"
    design.write_bytes(_png())

    page = page_as(cro)
    page.goto("/outreach/materials/new/")
    page.get_by_label("Name").fill("Reflective bike stickers")
    page.get_by_label("Source").select_option(label="Purchased")
    page.get_by_label("Quantity").fill("500")
    page.get_by_label("Total cost").fill("120")
    page.get_by_label("Design").set_input_files(str(design))
    page.get_by_role("button", name="Save material").click()
    page.get_by_role("button", name="Send to the Chief for approval").click()
    expect(page.get_by_text("Sent to the Chief for approval.")).to_be_visible()

    page = page_as(chief)
    # The Chief's home lists what waits for a decision; the material opens from there.
    page.locator("#waiting-decisions").get_by_role("link", name="Reflective bike stickers").click()
    design_preview = page.get_by_role("img", name="Design of Reflective bike stickers")
    # The picture arrives in its own request: wait until it has loaded (or failed), then
    # check that it really decoded.
    expect(design_preview).to_be_visible()
    width = design_preview.evaluate(
        "img => img.complete ? img.naturalWidth : new Promise(done => {"
        " img.addEventListener('load', () => done(img.naturalWidth));"
        " img.addEventListener('error', () => done(0)); })"
    )
    assert width == 120
    screenshot(page, "material-chief")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.", exact=True)).to_be_visible()
    assert Material.objects.get().status == "approved"


def test_training_officer_schedules_a_need(page_as, screenshot):
    trainer = UserFactory(username="o-trainer", roles=[Role.TRAINING_OFFICER])
    supervisor = UserFactory(username="o-sup", roles=[Role.SUPERVISOR])
    TrainingNeed.objects.create(
        topic="communication",
        topic_detail="De-escalation at traffic stops",
        source="citizen_interviews",
        description="Residents describe stops that escalate.",
        identified_by=supervisor,
        status="forwarded",
        forwarded_at=timezone.now(),
    )
    page = page_as(trainer)
    page.get_by_role("link", name="Training needs to schedule").click()
    when = timezone.localdate() + dt.timedelta(days=10)
    page.get_by_label("Training date").fill(when.isoformat())
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("The training was scheduled.")).to_be_visible()
    screenshot(page, "training-scheduled")
    need = TrainingNeed.objects.get()
    assert need.status == "scheduled" and need.scheduled_for == when
