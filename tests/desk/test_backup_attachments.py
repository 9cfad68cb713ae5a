"""A concern's photos and documents are kept by a backup: stored under MEDIA_ROOT, they are
in its media archive, and a restore brings back both the row and the very bytes (issue 22).

pg_dump reads from its own connection, so this test commits its data (transaction=True)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage

from concerns.attachments import add_attachment, prepare_upload
from desk.management.commands.backup import connect
from desk.management.commands.restore import comparison_table, restore_backup
from tests.concerns.test_attachments import exif_with_gps, jpeg_bytes, pdf_bytes, upload
from tests.desk.test_backup import back_up, restore_db  # noqa: F401 (a fixture)
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_and_restore_keep_a_concerns_photo_and_document(tmp_path, restore_db, officer):  # noqa: F811
    concern = ConcernFactory(reference="CR-2025-0001", reported_by=officer)
    photo = add_attachment(
        concern=concern,
        by=officer,
        prepared=prepare_upload(upload(jpeg_bytes(exif=exif_with_gps()), "light.jpg")),
    )
    document = add_attachment(
        concern=concern,
        by=officer,
        prepared=prepare_upload(upload(pdf_bytes(), "letter.pdf", "application/pdf")),
    )
    media = Path(settings.MEDIA_ROOT)
    names = [photo.file.name, photo.thumbnail.name, document.file.name]
    for name in names:  # under the folder the backup archives
        assert (media / name).is_file()

    folder = back_up(tmp_path / "backups")
    restored_media = tmp_path / "restored-media"
    lines = restore_backup(
        folder, database=restore_db, storage=FileSystemStorage(location=restored_media)
    )

    assert [c for c in lines if not c.matches] == [], "\n".join(comparison_table(lines))
    assert ("rows", "concerns_attachment") in {(c.what, c.item) for c in lines}
    for name in names:
        assert (restored_media / name).read_bytes() == (media / name).read_bytes()
    with connect(restore_db, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT kind, label, file, thumbnail FROM concerns_attachment ORDER BY id"
        ).fetchall()
    assert rows == [
        ("photo", "light.jpg", photo.file.name, photo.thumbnail.name),
        ("document", "letter.pdf", document.file.name, ""),
    ]
