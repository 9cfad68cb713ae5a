"""Where an uploaded spreadsheet waits between its check and its import: in the storage that
keeps every uploaded file (a local folder or object storage, settings.STORAGES["default"]),
under "imports/<generated name>", never the name the person's computer gave it. So the web
server that takes the upload and the task worker that reads it need share nothing but the
storage.

The name stored in the records (FileCheck, ImportLog) is the generated name alone; every
function here checks it before it reaches the storage."""

import uuid

from django.core.files.storage import default_storage

from imports.models import ImportLog
from imports.reading import MAX_BYTES

FOLDER = "imports"
EXTENSIONS = ("csv", "xlsx")
# An import asked for, running or done holds its file: the check page no longer offers it.
HOLDING = (ImportLog.Status.QUEUED, ImportLog.Status.RUNNING, ImportLog.Status.IMPORTED)


def valid_name(name: str) -> bool:
    stem, _, extension = name.partition(".")
    hexadecimal = all(c in "0123456789abcdef" for c in stem)
    return len(stem) == 32 and hexadecimal and extension in EXTENSIONS


def storage_name(stored: str) -> str:
    """The file's name in the storage; ValueError for anything but a generated name."""
    if not valid_name(stored):
        raise ValueError(stored)
    return f"{FOLDER}/{stored}"


def save(upload, extension: str) -> str:
    """Store an upload as it came, under a new generated name, and return that name."""
    stored = f"{uuid.uuid4().hex}.{extension}"
    saved = default_storage.save(storage_name(stored), upload)
    if saved != storage_name(stored):  # a storage that renamed it could not be found again
        default_storage.delete(saved)
        raise RuntimeError(f"The storage kept the upload as {saved!r}, not {stored!r}.")
    return stored


def read(stored: str) -> bytes:
    """The file's bytes (one more than the largest accepted, so the reader can say it is too
    large); FileNotFoundError when it is gone."""
    with default_storage.open(storage_name(stored), "rb") as handle:
        return handle.read(MAX_BYTES + 1)


def exists(stored: str) -> bool:
    return default_storage.exists(storage_name(stored))


def delete(stored: str) -> None:
    default_storage.delete(storage_name(stored))


def held(stored: str) -> bool:
    """An import of the file was asked for and was not refused (a refused one gives the file
    back, so the mapping can be corrected and the import tried again)."""
    return ImportLog.objects.filter(stored_file=stored, status__in=HOLDING).exists()


def available(stored: str) -> bool:
    """The file is in the storage and no import holds it: it may be checked and imported."""
    return not held(stored) and exists(stored)


def waiting() -> list[str]:
    """The generated names of every file in the folder (anything else found there is left
    alone)."""
    try:
        _folders, names = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # a local folder not made yet: nothing was uploaded
        return []
    return sorted(name for name in names if valid_name(name))
