"""Photos and documents on the concern's page, on the residents' form, and served back only
to those who may see the concern (issue 22)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from concerns.attachments import add_attachment, prepare_upload
from concerns.models import Attachment, Concern
from tests.concerns.test_attachments import (
    GPS_IFD,
    exif_with_gps,
    jpeg_bytes,
    pdf_bytes,
    photo_on,
    png_bytes,
    upload,
)
from tests.concerns.test_public_form import form
from tests.factories import AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db


def file_url(attachment, name="concerns:attachment"):
    return reverse(name, args=[attachment.concern.reference, attachment.pk])


def add_url(concern):
    return reverse("concerns:attachment-add", args=[concern.reference])


def exports():
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).values_list("detail", "actor_id")
    )


# --- Officers add files on the concern's page --------------------------------------------


def test_officer_adds_a_photo_and_a_pdf_and_sees_them_on_the_page(client_for, officer):
    concern = ConcernFactory(reported_by=officer)
    client = client_for(officer)
    response = client.post(
        add_url(concern),
        {
            "files": [
                upload(jpeg_bytes(exif=exif_with_gps()), "street light.jpg"),
                upload(pdf_bytes(), "letter.pdf", "application/pdf"),
            ]
        },
    )
    assert response.status_code == 302
    assert response["Location"] == concern.get_absolute_url() + "#attachments"
    photo, document = Attachment.objects.filter(concern=concern)
    assert (photo.kind, photo.label, photo.added_by) == ("photo", "street light.jpg", officer)
    assert (document.kind, document.label) == ("document", "letter.pdf")

    page = client.get(concern.get_absolute_url()).content.decode()
    assert "2 files added." in page
    assert file_url(photo, "concerns:attachment-thumbnail") in page  # the grid's thumbnail
    assert file_url(document) in page and "letter.pdf" in page


def test_the_timeline_says_a_photo_was_added_by_whom_with_its_thumbnail(client_for, officer):
    concern = ConcernFactory(reported_by=officer)
    photo = photo_on(concern, officer, name="pothole.jpg")
    page = client_for(officer).get(concern.get_absolute_url()).content.decode()
    timeline = page[page.index('id="h-timeline"') :]
    assert "Photo added" in timeline and "pothole.jpg" in timeline
    assert officer.display_name in timeline
    assert file_url(photo, "concerns:attachment-thumbnail") in timeline
    # Not a ConcernUpdate: adding a photo is not progress, nor a change of the concern.
    assert not concern.updates.filter(text__contains="pothole").exists()


def test_a_refused_file_reshows_the_page_with_the_error_and_stores_nothing(client_for, officer):
    concern = ConcernFactory(reported_by=officer)
    response = client_for(officer).post(
        add_url(concern), {"files": [upload(b"MZ\x90\x00 not a photo", "virus.jpg")]}
    )
    assert response.status_code == 400
    assert "virus.jpg is not a photo or a PDF we can read" in response.content.decode()
    assert not Attachment.objects.exists()
    empty = client_for(officer).post(add_url(concern), {})
    assert empty.status_code == 400 and "Choose a photo or a PDF" in empty.content.decode()


def test_adding_is_post_only(client_for, officer):
    concern = ConcernFactory(reported_by=officer)
    assert client_for(officer).get(add_url(concern)).status_code == 405


def test_who_may_add_files_is_who_may_see_the_concern(client_for, officer, other_officer, cro):
    concern = ConcernFactory(reported_by=officer)
    photo = {"files": [upload(jpeg_bytes())]}
    assert client_for(other_officer).post(add_url(concern), photo).status_code == 404
    assert (
        client_for(cro).post(add_url(concern), {"files": [upload(jpeg_bytes())]}).status_code == 302
    )
    conduct = ConcernFactory(reported_by=officer, category="conduct_bias")
    assert client_for(officer).post(add_url(conduct), photo).status_code == 404
    assert [a.added_by for a in Attachment.objects.all()] == [cro]


# --- Served only to those who may see the concern ----------------------------------------


@pytest.fixture
def photo(officer):
    return photo_on(ConcernFactory(reported_by=officer), officer)


@pytest.mark.parametrize("name", ["concerns:attachment", "concerns:attachment-thumbnail"])
def test_photo_is_served_inline_with_safe_headers_and_audited(client_for, officer, photo, name):
    response = client_for(officer).get(file_url(photo, name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    suffix = "-small" if name.endswith("thumbnail") else ""
    expected = f'inline; filename="{photo.concern.reference}-{photo.pk}{suffix}.jpg"'
    assert response["Content-Disposition"] == expected
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8\xff") and b"Exif" not in body
    what = "thumbnail" if suffix else "photo"
    assert exports() == [
        (
            f"Image {photo.concern.reference}-{photo.pk}{suffix}.jpg {what} of "
            f"{photo.concern.reference}",
            officer.pk,
        )
    ]


def test_png_is_served_as_png(client_for, officer):
    png = photo_on(ConcernFactory(reported_by=officer), officer, png_bytes(), "sign.png")
    response = client_for(officer).get(file_url(png))
    assert response["Content-Type"] == "image/png"
    assert exports()[0][0].startswith("Image ")


def test_document_is_only_ever_a_download_and_audited(client_for, officer):
    concern = ConcernFactory(reported_by=officer)
    document = add_attachment(
        concern=concern,
        by=officer,
        prepared=prepare_upload(upload(pdf_bytes(), "letter.pdf", "application/pdf")),
    )
    response = client_for(officer).get(file_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert exports()[0][0].startswith(f"PDF {concern.reference}-{document.pk}.pdf document of")
    thumbnail = client_for(officer).get(file_url(document, "concerns:attachment-thumbnail"))
    assert thumbnail.status_code == 404  # a document has none


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),  # logged it
        ("other_officer", 404),  # may not see it: it does not exist for them
        ("training_officer", 404),
        ("outsider", 404),  # signed in, no role
        ("supervisor", 200),
        ("cro", 200),
        ("chief", 200),
    ],
)
def test_who_may_see_a_photo(client_for, request, photo, persona, status):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(file_url(photo)).status_code == status
    assert len(exports()) == (1 if status == 200 else 0)


def test_a_visitor_is_sent_to_sign_in_and_never_sees_a_photo(client, photo):
    for name in ("concerns:attachment", "concerns:attachment-thumbnail"):
        response = client.get(file_url(photo, name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert exports() == []


def test_a_conduct_concerns_photos_are_as_restricted_as_the_concern(
    client_for, officer, supervisor
):
    conduct = ConcernFactory(reported_by=officer, category="conduct_bias")
    photo = photo_on(conduct, supervisor)
    # 001 IV.C: even the officer who logged a conduct concern no longer sees it.
    assert client_for(officer).get(file_url(photo)).status_code == 404
    assert not photo.is_visible_to(officer) and photo.is_visible_to(supervisor)
    assert client_for(supervisor).get(file_url(photo)).status_code == 200


def test_a_photo_is_not_reachable_through_another_concerns_address(client_for, officer, photo):
    mine = ConcernFactory(reported_by=officer)
    wrong = reverse("concerns:attachment", args=[mine.reference, photo.pk])
    assert client_for(officer).get(wrong).status_code == 404


def test_a_missing_file_is_a_404_not_an_error(client_for, officer, photo):
    photo.file.storage.delete(photo.file.name)
    assert client_for(officer).get(file_url(photo)).status_code == 404


def test_serving_is_get_only(client_for, officer, photo):
    assert client_for(officer).post(file_url(photo)).status_code == 405


def test_concern_page_queries_do_not_grow_with_its_attachments(client_for, cro):
    concern = ConcernFactory()
    prepared = prepare_upload(upload(jpeg_bytes()))
    add_attachment(concern=concern, by=cro, prepared=prepared)
    client = client_for(cro)
    client.get(concern.get_absolute_url())  # warm the session and the agency
    with CaptureQueriesContext(connection) as one:
        assert client.get(concern.get_absolute_url()).status_code == 200
    for _ in range(7):
        add_attachment(concern=concern, by=cro, prepared=prepared)
    add_attachment(concern=concern, by=None, prepared=prepare_upload(upload(pdf_bytes(), "a.pdf")))
    with CaptureQueriesContext(connection) as nine:
        page = client.get(concern.get_absolute_url()).content.decode()
    assert page.count("/small/") == 16  # eight photos, in the grid and on the timeline
    assert len(nine.captured_queries) == len(one.captured_queries)


# --- The residents' form -----------------------------------------------------------------


def feedback(**overrides):
    """The public form as a resident fills it (tests/concerns/test_public_form.form)."""
    return form(
        **{
            "category": "street_lighting",
            "area": "Elm Street",
            "summary": "Street light out",
            "description": "The light at Elm and 3rd has been out for a week.",
            **overrides,
        }
    )


@pytest.mark.parametrize("count", [0, 1, 3])
def test_resident_sends_up_to_three_photos(client, count):
    photos = [upload(jpeg_bytes(exif=exif_with_gps()), f"IMG_{n}.jpg") for n in range(count)]
    response = client.post(reverse("feedback"), feedback(photos=photos))
    assert response.status_code == 302
    concern = Concern.objects.get()
    stored = list(concern.attachments.all())
    assert len(stored) == count
    assert all(a.added_by is None and a.kind == "photo" for a in stored)
    for attachment in stored:
        with attachment.file.open("rb") as handle:
            assert Image.open(handle).getexif().get_ifd(GPS_IFD) == {}


def test_a_fourth_photo_refuses_the_form_and_keeps_what_was_typed(client):
    photos = [upload(jpeg_bytes(), f"IMG_{n}.jpg") for n in range(4)]
    response = client.post(reverse("feedback"), feedback(photos=photos))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Send at most 3 photos (you chose 4)." in page
    assert 'href="#id_photos"' in page  # the error summary leads to the field
    assert "The light at Elm and 3rd has been out for a week." in page
    assert 'value="Street light out"' in page
    assert not Concern.objects.exists() and not Attachment.objects.exists()


def test_a_refused_photo_keeps_the_text_and_stores_nothing(client):
    photos = [upload(jpeg_bytes(), "ok.jpg"), upload(b"not an image", "fake.jpg")]
    response = client.post(reverse("feedback"), feedback(photos=photos))
    assert response.status_code == 400
    page = response.content.decode()
    assert "fake.jpg is not a photo we can read" in page
    assert "The light at Elm and 3rd has been out for a week." in page
    assert "choose your photos again" in page
    assert not Concern.objects.exists() and not Attachment.objects.exists()


def test_the_public_form_takes_files(client):
    page = client.get(reverse("feedback")).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="photos"' in page and "multiple" in page and "image/heic" in page


def test_resending_the_same_form_adds_no_second_set_of_photos(client):
    data = feedback(photos=[upload(jpeg_bytes(), "a.jpg")])
    client.post(reverse("feedback"), data)
    data["photos"] = [upload(jpeg_bytes(), "a.jpg")]
    client.post(reverse("feedback"), data)
    assert Concern.objects.count() == 1 and Attachment.objects.count() == 1


def test_resident_photos_never_appear_in_a_public_311_answer(client, settings):
    AgencyFactory()
    client.post(reverse("feedback"), feedback(photos=[upload(jpeg_bytes(), "light.jpg")]))
    concern = Concern.objects.get()
    attachment = concern.attachments.get()
    url = reverse("open311:request", kwargs={"fmt": "json", "request_id": str(concern.public_id)})
    answer = client.get(url)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "media" not in text and "/files/" not in text and "light.jpg" not in text
    assert attachment.file.name not in text
    listing = client.get(reverse("open311:requests", kwargs={"fmt": "json"})).content.decode()
    assert str(concern.public_id) in listing and "/files/" not in listing
