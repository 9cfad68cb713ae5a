"""Where an uploaded spreadsheet waits between its check and its import: a generated name
in MEDIA_ROOT/imports, never the name the person's computer gave it."""

from pathlib import Path

from django.conf import settings


def folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def valid_name(name: str) -> bool:
    stem, _, extension = name.partition(".")
    return (
        len(stem) == 32
        and all(c in "0123456789abcdef" for c in stem)
        and extension
        in (
            "csv",
            "xlsx",
        )
    )


def pending_path(stored: str) -> Path:
    if not valid_name(stored):
        raise ValueError(stored)
    return folder() / stored
