"""An officer attaches a phone photo to a concern and sees it in the page's grid and on the
timeline; a resident attaches one on the public form, on a phone (issue 22)."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from concerns.models import Attachment, Concern
from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.concerns.test_attachments import GPS_IFD, exif_with_gps, jpeg_bytes
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_attaches_a_photo_and_sees_its_thumbnail(page_as, screenshot):
    officer = UserFactory(username="p-officer", first_name="Dana", roles=[Role.OFFICER])
    concern = ConcernFactory(reported_by=officer, summary="Street light out on Elm Street")
    page = page_as(officer)
    page.goto(concern.get_absolute_url())
    expect(page.get_by_text("No photos or documents yet.")).to_be_visible()

    page.get_by_label("Photos or documents").set_input_files(
        {
            "name": "IMG_2041.jpg",
            "mimeType": "image/jpeg",
            "buffer": jpeg_bytes(size=(1200, 900), exif=exif_with_gps()),
        }
    )
    page.get_by_role("button", name="Add files").click()
    page.wait_for_url(f"**{concern.get_absolute_url()}#attachments")
    expect(page.get_by_text("1 file added.")).to_be_visible()

    thumbnail = page.get_by_role("img", name="Photo: IMG_2041.jpg")
    expect(thumbnail).to_be_visible()
    # The browser loaded the thumbnail itself (a real picture, not a broken image); visible
    # comes before loaded, so wait for the one or the other outcome of the load.
    loaded = """img => img.complete ? img.naturalWidth : new Promise(done => {
        img.addEventListener("load", () => done(img.naturalWidth), {once: true});
        img.addEventListener("error", () => done(0), {once: true});
    })"""
    assert thumbnail.evaluate(loaded) == 320
    timeline = page.locator("ol.timeline")
    expect(timeline.get_by_text("Photo added")).to_be_visible()
    expect(timeline.get_by_role("link", name="IMG_2041.jpg")).to_be_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "concern-attachments")

    # The full photo opens from the thumbnail, upright and without its GPS tag.
    attachment = Attachment.objects.get()
    response = page.request.get(attachment.get_absolute_url())
    assert response.status == 200 and response.headers["content-type"] == "image/jpeg"
    served = Image.open(io.BytesIO(response.body()))
    assert served.size == (1200, 900) and served.getexif().get_ifd(GPS_IFD) == {}


def test_resident_sends_a_photo_from_a_phone(phone_page, screenshot):
    page = phone_page
    page.goto("/feedback/")
    page.get_by_label("What is it about?", exact=True).select_option(label="Street lighting")
    page.get_by_label("Where?", exact=True).fill("Elm Street and 3rd")
    page.get_by_label("In a few words, what is it about?", exact=True).fill("Street light out")
    page.get_by_label("Tell us about it", exact=True).fill("Out for a week, the corner is dark.")
    page.get_by_label("Photos (optional)").set_input_files(
        [
            {"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
            for n in range(4)
        ]
    )
    page.get_by_role("button", name="Send").click()
    # Four is one too many: the form comes back with what was typed, and says so.
    expect(page.get_by_text("Send at most 3 photos (you chose 4).").first).to_be_visible()
    expect(page.get_by_label("Tell us about it", exact=True)).to_have_value(
        "Out for a week, the corner is dark."
    )
    screenshot(page, "feedback-photos-refused-phone")
    page.get_by_label("Photos (optional)").set_input_files(
        [{"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
    )
    page.get_by_role("button", name="Send").click()
    page.wait_for_url("**/feedback/received/")
    concern = Concern.objects.get()
    assert [a.added_by for a in concern.attachments.all()] == [None]
