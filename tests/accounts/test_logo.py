"""The agency's logo reaches the PDFs through the storage, not a file path (so object
storage works as well as a local folder)."""

import base64

import pytest
from django.core.files.base import ContentFile

from accounts.models import Agency
from core.uploads import logo_data_uri

pytestmark = pytest.mark.django_db
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def test_the_logo_is_read_through_the_storage_as_a_data_uri():
    agency = Agency.load()
    assert logo_data_uri(agency) == ""
    agency.logo.save("seal.png", ContentFile(PNG))
    uri = logo_data_uri(agency)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]) == PNG


def test_a_logo_file_gone_missing_leaves_the_pdf_without_it():
    agency = Agency.load()
    agency.logo.save("seal.png", ContentFile(PNG))
    agency.logo.storage.delete(agency.logo.name)
    assert logo_data_uri(agency) == ""
