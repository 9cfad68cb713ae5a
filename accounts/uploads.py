"""Where uploaded files are stored: under generated names, never the name the uploader
gave (ASVS 12.3: no path or name from the user reaches the file system)."""

import uuid
from pathlib import PurePosixPath

ALLOWED_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg"}


def _generated(folder: str, filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return f"{folder}/{uuid.uuid4().hex}{suffix if suffix in ALLOWED_SUFFIXES else ''}"


def material_design_path(instance, filename: str) -> str:
    return _generated("materials", filename)


def agency_logo_path(instance, filename: str) -> str:
    return _generated("agency", filename)
