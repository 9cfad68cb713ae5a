"""What an import is made of, declared by each app that can be imported into.

A pure module (no models), so that an app's AppConfig can import it at the top of apps.py
and register its specs in ready(); the import engine never imports the apps. Each spec
declares its columns once, and that one declaration gives the template, the export, the
column mapping, the checks and the record each row becomes.
"""

import dataclasses
from collections.abc import Callable

from django.db.models import TextChoices


@dataclasses.dataclass(frozen=True)
class Column:
    name: str  # the template's header
    label: str  # in plain words
    kind: str = "text"  # text, long, date, choice, int, decimal, bool, email, lookup, dsns
    required: bool = False
    choices: type[TextChoices] | None = None
    max_length: int = 0
    default: object = ""
    help: str = ""
    # kind "lookup": the names of the records a cell may name (lower-cased name -> pk), and
    # what to say when a cell names none of them.
    lookup: Callable[[], dict] | None = None
    not_found: str = ""

    def allowed(self) -> str:
        if self.choices is None:
            return ""
        return ", ".join(str(label) for _value, label in self.choices.choices)


@dataclasses.dataclass
class Problem:
    row: int
    column: str
    message: str


@dataclasses.dataclass(frozen=True)
class Spec:
    kind: str
    label: str
    columns: list[Column]
    create: Callable  # (rows, by, log) -> int
    export: Callable  # () -> iterable of rows in column order
    extra_check: Callable | None = None  # (row, number, problems, context) -> None
    list_url: str = ""  # URL name of the page listing what was imported
    position: int = 100  # where it stands in the upload form's list (concerns first)


SPECS: dict[str, Spec] = {}


def register(spec: Spec) -> None:
    SPECS[spec.kind] = spec


def specs() -> dict[str, Spec]:
    """Every registered kind, in the upload form's order."""
    return dict(sorted(SPECS.items(), key=lambda item: (item[1].position, item[0])))


def label_of(kind: str) -> str:
    spec = SPECS.get(kind)
    return str(spec.label) if spec else kind
