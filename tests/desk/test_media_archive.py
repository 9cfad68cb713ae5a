"""The files part of a backup on a local folder (desk/media_archive.py): each stored file
under its name, links and special files left out with a message, and a restore that puts
the files back under the same names, replacing what is there."""

import os
import tarfile

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from desk.media_archive import restore_archive, write_archive


def test_a_folder_is_archived_file_by_file_without_its_links(tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    storage.save("reports/q3.pdf", ContentFile(b"%PDF-q3"))
    storage.save("agency/seal.png", ContentFile(b"png"))
    outside = tmp_path / "secret.txt"
    outside.write_text("not a stored file")
    os.symlink(outside, tmp_path / "media" / "reports" / "link.pdf")
    os.symlink(tmp_path, tmp_path / "media" / "elsewhere")
    said = []

    assert write_archive(storage, tmp_path / "media.tar.gz", said.append) == 2
    with tarfile.open(tmp_path / "media.tar.gz") as archive:
        files = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
    assert files == {"agency/seal.png": b"png", "reports/q3.pdf": b"%PDF-q3"}
    assert sorted(said) == [
        "Left out of media.tar.gz: elsewhere (not a regular file or folder).",
        "Left out of media.tar.gz: reports/link.pdf (not a regular file or folder).",
    ]


def test_a_restore_puts_each_file_back_under_its_own_name(tmp_path):
    source = FileSystemStorage(location=tmp_path / "media")
    source.save("reports/q3.pdf", ContentFile(b"%PDF-approved"))
    write_archive(source, tmp_path / "media.tar.gz", [].append)
    target = FileSystemStorage(location=tmp_path / "restored")
    target.save("reports/q3.pdf", ContentFile(b"%PDF-changed since"))
    target.save("reports/other.pdf", ContentFile(b"%PDF-other"))

    assert restore_archive(tmp_path / "media.tar.gz", target) == 1
    assert sorted(target.listdir("reports")[1]) == ["other.pdf", "q3.pdf"]  # none renamed
    with target.open("reports/q3.pdf") as handle:
        assert handle.read() == b"%PDF-approved"
