import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Agency

pytestmark = pytest.mark.django_db
URL = reverse("accounts:agency")


@pytest.mark.parametrize("persona", ["cro", "chief"])
def test_agency_page_open_to_cro_and_chief(client_for, personas, persona):
    assert client_for(personas[persona]).get(URL).status_code == 200


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer", "outsider"])
def test_agency_page_forbidden_to_other_roles(client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "Hijacked"}).status_code == 403
    assert not Agency.objects.filter(name="Hijacked").exists()


def test_agency_page_sends_anonymous_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_cro_saves_agency_profile(client_for, cro):
    response = client_for(cro).post(
        URL,
        {
            "name": "Harbor City Police Department",
            "address": "9 Pier Road",
            "phone": "(555) 010-7777",
            "website": "",
            "chief_name": "Sam Ito",
            "monthly_due_day": 5,
            "quarterly_due_days": 20,
            "semi_annual_due_days": 30,
            "annual_due_days": 31,
        },
    )
    assert response.status_code == 302
    agency = Agency.load()
    assert agency.name == "Harbor City Police Department"
    assert agency.chief_name == "Sam Ito"
    assert (agency.monthly_due_day, agency.quarterly_due_days) == (5, 20)


def test_agency_due_day_must_exist_in_every_month(client_for, cro):
    response = client_for(cro).post(
        URL,
        {
            "name": "X PD",
            "monthly_due_day": 31,
            "quarterly_due_days": 15,
            "semi_annual_due_days": 30,
            "annual_due_days": 31,
        },
    )
    assert response.status_code == 200
    assert "Choose a day from 1 to 28" in response.content.decode()


def test_agency_bad_input_keeps_what_was_typed(client_for, chief):
    response = client_for(chief).post(
        URL,
        {
            "name": "",
            "address": "<script>alert(1)</script>",
            "phone": "555",
            "website": "not a url",
            "chief_name": "Sam Ito",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required." in html
    assert "Enter a valid URL." in html
    assert 'value="Sam Ito"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_agency_rejects_a_file_that_is_not_an_image(client_for, cro):
    fake = SimpleUploadedFile("logo.png", b"not an image", content_type="image/png")
    response = client_for(cro).post(URL, {"name": "X PD", "logo": fake})
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()


def test_agency_logo_is_checked_by_content_and_stored_under_a_generated_name(client_for, cro):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    data = {
        "name": "Harbor City Police Department",
        "monthly_due_day": 5,
        "quarterly_due_days": 20,
        "semi_annual_due_days": 30,
        "annual_due_days": 31,
    }
    gif = BytesIO()
    Image.new("RGB", (4, 4)).save(gif, "GIF")
    renamed = SimpleUploadedFile("logo.png", gif.getvalue(), content_type="image/png")
    refused = client_for(cro).post(URL, {**data, "logo": renamed})
    assert "must be a PNG or JPEG" in refused.content.decode()
    png = BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    upload = SimpleUploadedFile("Our Logo (final).png", png.getvalue(), content_type="image/png")
    assert client_for(cro).post(URL, {**data, "logo": upload}).status_code == 302
    name = Agency.load().logo.name
    assert name.startswith("agency/") and name.endswith(".png") and "Logo" not in name
