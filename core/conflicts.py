"""Edit conflicts: a save or a step from a page that showed an older version is refused,
and says what changed, with what the person typed kept (concerns, reports).

A record that can be edited by several people carries a `revision`, raised by each change;
a form carries the revision it was shown with and a fingerprint of the values it showed.
"""

import hashlib
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class EditConflict(ValidationError):
    """A save refused because the record changed after the form was shown. It carries the
    stored revision and fingerprint, so the form can be shown again over the stored record
    with what the person typed, and a second save is taken as deliberate."""

    def __init__(self, messages, *, revision: int, seen: str):
        super().__init__(messages)
        self.revision = revision
        self.seen = seen


def _digest(value) -> str:
    return hashlib.sha256(str(value).encode()).hexdigest()[:10]


def fingerprint(values: dict) -> str:
    """What a form showed, in a few characters a field: carried in a hidden input, it lets
    a refused save name the fields someone else changed, not the ones being typed."""
    return ",".join(f"{name}:{_digest(value)}" for name, value in values.items())


def changed_since(seen: str, current: dict) -> list[str]:
    """The names in `current` whose value is not the one the fingerprint `seen` was taken of."""
    shown = dict(part.split(":", 1) for part in (seen or "").split(",") if ":" in part)
    return [name for name, value in current.items() if shown.get(name) != _digest(value)]


def shown_value(text) -> str:
    return str(text) if text not in (None, "") else gettext("(empty)")


def still_as_shown(record, revision: int | None, refuse: Callable[[], ValidationError]) -> None:
    """A step from a page that showed an older revision is refused with `refuse()`; without
    a revision (a service called from code, not from a page) nothing is checked."""
    if revision is not None and record.revision != revision:
        raise refuse()
