"""Where a resident is given the private code of `/status/` (concerns/status.py): the
acknowledgment email (with a link), the public form's "received" page, the officer's
intake; and the links to the page from the public pages and the sign-in page."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from concerns import status
from concerns.models import Concern
from tests.concerns.test_public_form import form
from tests.concerns.test_views import intake_post

pytestmark = pytest.mark.django_db

URL = reverse("status")


def feedback(**overrides):
    """The public form as a resident fills it (tests/concerns/test_public_form.form)."""
    return form(**{"email": "resident@example.org", "consent_to_contact": "on", **overrides})


@pytest.mark.parametrize("language", ["en", "es"])
def test_acknowledgment_email_carries_the_code_and_the_link(
    client, django_capture_on_commit_callbacks, settings, language
):
    settings.CRD_SITE_URL = "https://crd.example.gov"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("feedback"), feedback(), HTTP_ACCEPT_LANGUAGE=language)
    concern = Concern.objects.get()
    code = status.private_code(concern)
    (ack,) = mail.outbox
    with translation.override(language):
        assert ack.subject == translation.gettext("We received your concern %(reference)s") % {
            "reference": concern.reference
        }
    assert code not in ack.subject
    link = re.search(r"https://crd\.example\.gov/status/\?\S+", ack.body).group(0)
    assert parse_qs(urlsplit(link).query) == {
        "ref": [concern.reference],
        "code": [code],
        "lang": [language],
    }
    assert code in ack.body
    html = ack.alternatives[0][0]
    assert code in html and link.replace("&", "&amp;") in html
    # The link works, and only the right code in it does.
    client.cookies.clear()
    assert client.get(link.removeprefix("https://crd.example.gov")).status_code == 302


def test_received_page_shows_the_code_with_the_reference(client):
    response = client.post(reverse("feedback"), feedback(email="", consent_to_contact=""))
    html = client.get(response.url).content.decode()
    concern = Concern.objects.get()
    assert concern.reference in html
    assert status.private_code(concern) in html
    assert f'href="{URL}"' in html


def test_officer_intake_gives_the_code_to_read_to_the_resident(client_for, officer):
    client = client_for(officer)
    page = client.post(reverse("concerns:new"), intake_post(), follow=True)
    concern = Concern.objects.get()
    assert status.private_code(concern) in page.content.decode()


def test_conduct_intake_logged_page_gives_the_code(client_for, officer):
    client = client_for(officer)
    page = client.post(
        reverse("concerns:new"), intake_post(category=Concern.Category.CONDUCT_BIAS), follow=True
    )
    concern = Concern.objects.get()
    assert page.request["PATH_INFO"] == reverse("concerns:logged", args=[concern.reference])
    assert status.private_code(concern) in page.content.decode()


@pytest.mark.parametrize("url", [reverse("feedback"), reverse("transparency")])
def test_public_pages_link_to_the_status_page(client, url):
    assert f'href="{URL}"' in client.get(url).content.decode()


def test_login_page_links_to_the_status_page(client):
    assert f'href="{URL}"' in client.get(reverse("accounts:login")).content.decode()
