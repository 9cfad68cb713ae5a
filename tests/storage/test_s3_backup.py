"""Backup and restore with object storage (moto's S3 server): every object in the bucket
goes into media.tar.gz under its key, an emptied bucket gets each one back, byte for byte,
from a restore, and the restore's check of every approved report's PDF reads the bucket.

pg_dump reads from its own connection, so these tests commit their data (transaction=True).
"""

import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Agency
from desk.management.commands.backup import MANIFEST, connect
from desk.management.commands.restore import compare, comparison_table, restore_backup
from desk.media_archive import MEDIA
from tests.desk.test_backup import back_up, records, restore_db  # noqa: F401 (a fixture)
from tests.storage.conftest import BUCKET, keys, storage_setting

pytestmark = pytest.mark.django_db(transaction=True)
PNG = b"\x89PNG\r\n\x1a\n" + b"seal" * 8


def contents(client) -> dict[str, bytes]:
    return {key: client.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in keys(client)}


def test_the_bucket_is_backed_up_and_restored_into_an_emptied_bucket(
    s3_storage,
    s3_server,
    tmp_path,
    restore_db,  # noqa: F811
    officer,
    cro,
    chief,
):
    _, client = s3_server
    report, design = records(officer, cro, chief)
    Agency.load().logo.save("seal.png", ContentFile(PNG))
    before = contents(client)
    assert {report.pdf.name, design, Agency.load().logo.name} <= set(before)

    folder = back_up(tmp_path / "backups")
    with tarfile.open(folder / MEDIA, "r:gz") as archive:
        archived = {
            m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()
        }
    assert archived == before
    manifest_text = (folder / MANIFEST).read_text()
    assert f'"root": "s3://{BUCKET}"' in manifest_text

    for key in before:
        client.delete_object(Bucket=BUCKET, Key=key)
    lines = restore_backup(folder, database=restore_db, storage=s3_storage)
    assert [c for c in lines if not c.matches] == [], "\n".join(comparison_table(lines))
    assert ("approved report", f"{report.pk} PDF file") in {(c.what, c.item) for c in lines}
    assert contents(client) == before

    # The check reads the bucket: with the PDF gone from it, the restore says so.
    client.delete_object(Bucket=BUCKET, Key=report.pdf.name)
    different = [
        (c.what, c.item, c.found)
        for c in compare(json.loads(manifest_text), database=restore_db, storage=s3_storage)
        if not c.matches
    ]
    assert different == [("approved report", f"{report.pk} PDF file", "missing")]


def test_a_missing_bucket_stops_backup_and_restore_before_anything_changes(
    s3_storage,
    s3_server,
    tmp_path,
    restore_db,  # noqa: F811
    officer,
    cro,
    chief,
    settings,
):
    endpoint, client = s3_server
    records(officer, cro, chief)
    folder = back_up(tmp_path / "backups")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_setting(endpoint, bucket="crd-no-such-bucket"),
    }
    missing = storages["default"]
    expected = (
        "file storage s3://crd-no-such-bucket cannot be read .*NoSuchBucket.* Nothing changed"
    )
    with pytest.raises(CommandError, match=expected):
        restore_backup(folder, database=restore_db, storage=missing)
    with connect(restore_db, autocommit=True) as conn:  # the database was not touched
        assert conn.execute("SELECT to_regclass('concerns_concern')").fetchone()[0] is None
    with pytest.raises(CommandError, match=expected):
        call_command("backup", out=str(tmp_path / "more"))
    assert list((tmp_path / "more").iterdir()) == []  # no backup folder, finished or not
