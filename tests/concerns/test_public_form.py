import uuid

import pytest
from django.urls import reverse

from accounts.models import RateLimitHit
from concerns.models import Concern

pytestmark = pytest.mark.django_db
URL = reverse("feedback")


def form(**overrides):
    data = {
        "category": "noise",
        "area": "Cedar Grove",
        "summary": "Loud music at night",
        "description": "Music until 3 am.",
        "suggestions": "",
        "name": "",
        "email": "",
        "phone": "",
        "website": "",
        "intake_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def test_public_form_open_without_login(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Tell us about a concern" in response.content.decode()


def test_public_form_creates_concern_and_shows_reference(client):
    response = client.post(URL, form(email="r@example.org", consent_to_contact="on"), follow=True)
    concern = Concern.objects.get()
    assert concern.source_type == "web_form"
    assert concern.contact_email == "r@example.org"
    assert concern.consent_to_contact
    assert concern.reference in response.content.decode()
    assert concern.updates.get().kind == "received"


def test_public_form_double_submit_creates_one(client):
    data = form()
    client.post(URL, data)
    client.post(URL, data)
    assert Concern.objects.count() == 1


def test_honeypot_stores_nothing(client):
    response = client.post(URL, form(website="http://spam.example"))
    assert response.status_code == 302
    assert not Concern.objects.exists()
    assert not RateLimitHit.objects.exists()


def test_rate_limit_per_client_keeps_what_was_typed(client, settings):
    settings.PUBLIC_FORM_HOURLY_LIMIT = 2
    for _ in range(2):
        assert client.post(URL, form()).status_code == 302
    response = client.post(URL, form(description="Third message today."))
    assert response.status_code == 429
    html = response.content.decode()
    assert "several messages from your connection" in html
    assert "Third message today." in html
    assert Concern.objects.count() == 2
    # Another address is not held back.
    other = client.post(URL, form(), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_rate_limit_stores_no_address(client):
    client.post(URL, form(), REMOTE_ADDR="198.51.100.7")
    stored = RateLimitHit.objects.get(scope="public-form")
    assert "198.51.100.7" not in stored.client
    assert len(stored.client) == 64


def test_consent_without_contact_is_refused(client):
    response = client.post(URL, form(consent_to_contact="on"))
    assert response.status_code == 400
    assert "give an email address or a phone number" in response.content.decode()
    assert not Concern.objects.exists()


def test_missing_fields_keep_the_rest(client):
    response = client.post(URL, form(category="", description="", area="Main Street"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in html
    assert 'value="Main Street"' in html


def test_script_in_public_form_is_escaped_for_staff(client, client_for, cro):
    client.post(URL, form(description="<img src=x onerror=alert(1)>", area="<b>Elm</b>"))
    concern = Concern.objects.get()
    staff = client_for(cro)
    html = staff.get(concern.get_absolute_url()).content.decode()
    assert "<img src=x" not in html and "<b>Elm</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_received_page_without_submission_says_received(client):
    response = client.get(reverse("feedback-received"))
    assert response.status_code == 200
    assert "Your message has been received." in response.content.decode()


def test_public_form_is_get_and_post_only(client):
    assert client.put(URL).status_code == 405


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "en",
            [
                "What becomes public:",
                "the block or area (never the exact address)",
                "Your name, contact details, exact address and what you write are never published.",
            ],
        ),
        (
            "es",
            [
                "Lo que se hace público:",
                "la cuadra o la zona (nunca la dirección exacta)",
                "Su nombre, sus datos de contacto, su dirección exacta y lo que escriba nunca "
                "se publican.",
            ],
        ),
    ],
)
def test_public_form_says_what_becomes_public(client, lang, said):
    """Issue 21: the city's 311 feed shows what came through this form; the resident is
    told what of it, before sending, in their language."""
    html = client.get(URL, {"lang": lang}).content.decode()
    for text in said:
        assert text in html, text
    # Before the form, where a resident on a phone reads it before typing.
    assert html.index(said[0]) < html.index('name="category"')
