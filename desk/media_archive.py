"""The uploaded files in a backup (`media.tar.gz`): written from the storage that keeps them
and restored into it, whether that is a local folder or a bucket (settings.STORAGES
["default"]). Every file keeps its stored name as its path in the archive, so a backup
taken from a folder restores into a bucket and the other way round.

Read and written through Django's Storage API only (listdir, open, size,
get_modified_time, save, delete): one path for every storage. On a local folder the walk
also looks at each entry itself, because Django's listing follows links: a link or a
special file is left out, as a restore refuses them."""

import os
import posixpath
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import PurePosixPath

from django.core.files import File
from django.core.management.base import CommandError

MEDIA = "media.tar.gz"
# Files up to this size are copied into the archive from memory, larger ones through a
# temporary file: an object is read whole before its size is written into the archive.
IN_MEMORY = 8 * 1024 * 1024


def place(storage) -> str:
    """Where the storage keeps its files, for the manifest and the messages."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return f"s3://{bucket}/{getattr(storage, 'location', '') or ''}".rstrip("/")
    return str(getattr(storage, "location", type(storage).__name__))


def check_reachable(storage) -> None:
    """A CommandError, before anything is written, when the storage cannot be listed (a
    bucket that does not exist, wrong credentials, a server that does not answer)."""
    try:
        storage.listdir("")
    except FileNotFoundError:  # a local folder not made yet: it is made as files are saved
        return
    except Exception as error:  # noqa: BLE001 - whatever the storage's client raises
        raise CommandError(
            f"The file storage {place(storage)} cannot be read ({error}). Nothing changed."
        ) from error


def _plain(storage, name: str, folder: bool) -> bool:
    """False for a link or a special file in a local folder; always true elsewhere (an
    object store holds objects only)."""
    try:
        path = storage.path(name)
    except NotImplementedError:
        return True
    mode = os.lstat(path).st_mode
    return stat.S_ISDIR(mode) if folder else stat.S_ISREG(mode)


def stored_names(storage, write: Callable[[str], None], folder: str = "") -> Iterator[str]:
    """Every file's name in the storage, sorted, folder by folder."""
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # a local folder not made yet: nothing is stored
        return
    for name in sorted(names):
        full = posixpath.join(folder, name)
        if _plain(storage, full, folder=False):
            yield full
        else:
            write(f"Left out of {MEDIA}: {full} (not a regular file or folder).")
    for name in sorted(folders):
        full = posixpath.join(folder, name)
        if _plain(storage, full, folder=True):
            yield from stored_names(storage, write, full)
        else:
            write(f"Left out of {MEDIA}: {full} (not a regular file or folder).")


def write_archive(storage, target, write: Callable[[str], None]) -> int:
    """Archive every file in the storage into `target`; return how many. Owners are not
    kept: a restore writes as its own user."""
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        for name in stored_names(storage, write):
            with tempfile.SpooledTemporaryFile(max_size=IN_MEMORY) as copy:
                try:
                    with storage.open(name, "rb") as handle:
                        shutil.copyfileobj(handle, copy)
                    modified = storage.get_modified_time(name).timestamp()
                except FileNotFoundError:  # removed since the listing (an expired upload)
                    continue
                info = tarfile.TarInfo(name)
                info.size = copy.tell()
                info.mtime = int(modified)
                info.mode = 0o600
                copy.seek(0)
                archive.addfile(info, copy)
            count += 1
    return count


def safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every member, if each is a plain file or folder with a relative path that stays
    inside the storage; otherwise a CommandError naming the first that does not."""
    members = archive.getmembers()
    for member in members:
        path = PurePosixPath(member.name)
        if member.name.startswith(("/", "\\")) or path.is_absolute():
            raise CommandError(
                f"{MEDIA} holds an absolute path ({member.name}): refused. Nothing changed."
            )
        if ".." in path.parts or "\\" in member.name:
            raise CommandError(
                f"{MEDIA} holds a path that leaves the media folder ({member.name}): refused. "
                "Nothing changed."
            )
        if not (member.isfile() or member.isdir()):
            raise CommandError(
                f"{MEDIA} holds a link or special file ({member.name}): refused. Nothing changed."
            )
    return members


def check_archive(path) -> None:
    try:
        with tarfile.open(path, "r:gz") as archive:
            safe_members(archive)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise CommandError(f"{MEDIA} cannot be read ({error}). Nothing changed.") from error


def restore_archive(path, storage) -> int:
    """Put every file of the archive back into the storage under its name, replacing a file
    of that name; files the archive does not hold are left as they are. Folders need no
    restoring: a storage makes them as it saves. Return how many files."""
    count = 0
    with tarfile.open(path, "r:gz") as archive:
        for member in safe_members(archive):
            if not member.isfile():
                continue
            name = posixpath.normpath(member.name)
            content = File(archive.extractfile(member), name=name)
            content.size = member.size
            storage.delete(name)
            saved = storage.save(name, content)
            if saved != name:
                raise CommandError(
                    f"{name} from {MEDIA} was stored as {saved}: another process is writing to "
                    f"{place(storage)}. Stop the web servers and workers, then restore again."
                )
            count += 1
    return count
