"""A spreadsheet import on object storage (moto's S3 server): the upload waits in the bucket
under imports/, the check and the import read it from there, nothing is written under
MEDIA_ROOT, the import deletes it, and the hourly cleanup removes a day-old upload from the
bucket, so web servers and workers share no folder."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from concerns.models import Concern
from imports.cleanup import clean_uploads
from imports.models import FileCheck, ImportLog
from tests.factories import AgencyFactory
from tests.imports.conftest import commit  # noqa: F401 (a fixture)
from tests.imports.test_import import CONCERN_HEADERS, clean_rows, csv_file, upload
from tests.storage.conftest import BUCKET, keys

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


def nothing_on_disk() -> bool:
    return not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_an_import_reads_its_file_from_the_bucket_and_deletes_it(
    s3_storage,
    s3_server,
    client_for,
    cro,
    commit,  # noqa: F811
):
    _, client = s3_server
    browser = client_for(cro)
    url, page = upload(browser, "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    assert "All 2 rows can be imported" in page.content.decode()
    stored = FileCheck.objects.get().stored_file
    assert keys(client) == [f"imports/{stored}"]
    assert nothing_on_disk()

    response = commit(browser, url, {f"map-{h}": h for h in CONCERN_HEADERS})
    log = ImportLog.objects.get()
    assert response.url == log.get_absolute_url()
    assert (log.status, log.created) == ("imported", 2)
    assert sorted(Concern.objects.values_list("description", flat=True)) == [
        "Kids gather after dark.",
        "Late deliveries.",
    ]
    assert keys(client) == []
    assert nothing_on_disk()
    # Its check link now says the file is gone rather than offering it again.
    assert browser.get(url).url == "/import/"


def test_a_file_gone_from_the_bucket_is_said_to_be_gone(s3_storage, s3_server, client_for, cro):
    _, client = s3_server
    browser = client_for(cro)
    url, _ = upload(browser, "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    (key,) = keys(client)
    client.delete_object(Bucket=BUCKET, Key=key)
    response = browser.get(url, follow=True)
    assert "The uploaded file is no longer here" in response.content.decode()


def test_the_cleanup_removes_a_day_old_upload_from_the_bucket(
    s3_storage, s3_server, client_for, cro
):
    _, client = s3_server
    browser = client_for(cro)
    upload(browser, "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    (key,) = keys(client)
    # Its age is the object's own LastModified, as the bucket's clock gave it.
    written = s3_storage.get_modified_time(key)
    assert abs(written - client.head_object(Bucket=BUCKET, Key=key)["LastModified"]) < (
        dt.timedelta(seconds=1)
    )
    assert clean_uploads(written + dt.timedelta(hours=23)) == 0
    assert keys(client) == [key]
    assert clean_uploads(written + dt.timedelta(hours=25)) == 1
    assert keys(client) == []
    assert not FileCheck.objects.exists()  # its check's record went with it


def test_the_cleanup_leaves_other_objects_and_a_file_being_imported(
    s3_storage, s3_server, client_for, cro, django_capture_on_commit_callbacks
):
    _, client = s3_server
    browser = client_for(cro)
    url, _ = upload(browser, "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    (key,) = keys(client)
    client.put_object(Bucket=BUCKET, Key="imports/notes.txt", Body=b"not an upload")
    client.put_object(Bucket=BUCKET, Key="reports/kept.pdf", Body=b"%PDF-")
    with django_capture_on_commit_callbacks():  # the import waits for a worker
        browser.post(url, {"action": "import", **{f"map-{h}": h for h in CONCERN_HEADERS}})
    written = s3_storage.get_modified_time(key)
    # Asked for 20 hours after the upload, and still waiting five hours later.
    ImportLog.objects.update(created_at=written + dt.timedelta(hours=20))
    assert ImportLog.objects.get().status == "queued"
    assert clean_uploads(written + dt.timedelta(hours=25)) == 0
    assert keys(client) == sorted([key, "imports/notes.txt", "reports/kept.pdf"])
    # A day after it was asked for, an import still "waiting" is dead: its file goes.
    assert clean_uploads(written + dt.timedelta(hours=45)) == 1
    assert keys(client) == ["imports/notes.txt", "reports/kept.pdf"]
