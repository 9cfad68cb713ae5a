"""The concern page draws its forms with the quick fields (issue 26, sixth step): the same
labels, controls and errors as crispy's, without a template per field."""

import pytest
from django.urls import reverse

from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db


def test_the_suggested_step_and_the_photos_form(client_for, cro):
    concern = ConcernFactory(status="received", reported_by=None)
    page = client_for(cro).get(reverse("concerns:detail", args=[concern.reference]))
    text = page.content.decode()
    assert 'class="form-label requiredField">Note<span class="asteriskField">*</span>' in text
    assert "textarea form-control" not in text  # crispy's own class for a text area
    assert f'name="revision" value="{concern.revision}"' in text
    # The file input is still crispy's.
    assert 'type="file" name="files"' in text and "Photos or documents" in text


def test_a_step_sent_empty_comes_back_with_its_error_named_by_the_control(client_for, cro):
    concern = ConcernFactory(status="received", reported_by=None)
    client = client_for(cro)
    page = client.get(reverse("concerns:detail", args=[concern.reference])).content.decode()
    action = page.split('<details class="card shadow-sm border-primary mb-2 step step-suggested"')[
        1
    ]
    url = action.split('action="')[1].split('"')[0]
    answer = client.post(url, {"revision": concern.revision, "text": ""})
    text = answer.content.decode()
    assert answer.status_code == 400
    assert 'aria-invalid="true"' in text and "This field is required." in text
    assert 'class="form-control is-invalid"' in text
