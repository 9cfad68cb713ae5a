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


def concern_file_path(instance, filename: str) -> str:
    """A photo or document attached to a concern (concerns/attachments.py names the suffix
    from what the file is, never from what the uploader called it)."""
    return _generated("concerns", filename)


def logo_data_uri(agency) -> str:
    """The agency's logo as a data: URI for the PDFs, read through the storage (a local
    folder or object storage alike); empty when there is none or it cannot be read."""
    import base64

    if not agency.logo:
        return ""
    try:
        with agency.logo.open("rb") as handle:
            data = handle.read()
    except OSError:
        return ""
    kind = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"
