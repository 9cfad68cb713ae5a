"""Which pg_dump and pg_restore a backup or restore uses: one of the server's major version
or newer, never an older one (the embedded server's bundled programs included), the closest
version first. The folders are fakes holding small programs that print a version line."""

from pathlib import Path

import pytest
from django.core.management.base import CommandError

from desk.pg_programs import candidate_paths, choose_program, dump_major, find_program


def fake(folder: Path, name: str, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    program.chmod(0o755)
    return program


@pytest.fixture
def machine(tmp_path):
    """The embedded package's 18, a 14 on PATH, Debian's 15 and 17."""
    fake(tmp_path / "embedded", "pg_dump", "18.6")
    fake(tmp_path / "usr-bin", "pg_dump", "14.9")
    fake(tmp_path / "debian" / "15" / "bin", "pg_dump", "15.20 (Debian 15.20-0+deb12u1)")
    fake(tmp_path / "debian" / "17" / "bin", "pg_dump", "17.4")
    (tmp_path / "debian" / "common").mkdir()  # not a version folder
    return tmp_path


def candidates(root: Path, name: str = "pg_dump") -> list[Path]:
    return candidate_paths(
        name,
        bundled=root / "embedded",
        search_path=str(root / "usr-bin"),
        debian_root=root / "debian",
    )


def test_candidates_are_the_bundled_ones_then_path_then_debian_by_version(machine):
    assert candidates(machine) == [
        machine / "embedded" / "pg_dump",
        machine / "usr-bin" / "pg_dump",
        machine / "debian" / "15" / "bin" / "pg_dump",
        machine / "debian" / "17" / "bin" / "pg_dump",
    ]


@pytest.mark.parametrize(
    ("server", "chosen"),
    [
        (15, "debian/15/bin/pg_dump"),  # the same major version, though the bundled 18 is first
        (16, "debian/17/bin/pg_dump"),  # the closest newer one
        (18, "embedded/pg_dump"),
    ],
)
def test_the_closest_program_not_older_than_the_server_is_chosen(machine, server, chosen):
    program = choose_program("pg_dump", server, candidates(machine))
    assert program.path == machine / chosen
    assert program.major >= server


def test_an_older_bundled_program_is_never_chosen(tmp_path):
    """The old embedded package shipped PostgreSQL 16 and was preferred for any server."""
    fake(tmp_path / "embedded", "pg_dump", "16.2")
    fake(tmp_path / "debian" / "17" / "bin", "pg_dump", "17.4")
    program = choose_program("pg_dump", 17, candidates(tmp_path))
    assert program.path == tmp_path / "debian" / "17" / "bin" / "pg_dump"


def test_a_server_newer_than_every_program_is_refused_naming_what_was_found(machine):
    with pytest.raises(CommandError) as refused:
        choose_program("pg_dump", 19, candidates(machine))
    message = str(refused.value)
    assert "pg_dump of PostgreSQL 19 or newer is needed" in message
    assert f"{machine / 'usr-bin' / 'pg_dump'} (version 14)" in message
    assert "apt-get install postgresql-client-19" in message


def test_no_program_at_all_says_what_to_install(tmp_path):
    with pytest.raises(CommandError, match="pg_restore was not found. Install the PostgreSQL 15"):
        choose_program("pg_restore", 15, candidates(tmp_path, "pg_restore"))


def test_debian_pg_wrapper_is_left_out_for_the_versioned_folders(tmp_path):
    """/usr/bin/pg_dump on Debian is a link to pg_wrapper, which picks its version itself."""
    wrapper = fake(tmp_path / "share", "pg_wrapper", "17.4")
    (tmp_path / "usr-bin").mkdir()
    (tmp_path / "usr-bin" / "pg_dump").symlink_to(wrapper)
    fake(tmp_path / "debian" / "15" / "bin", "pg_dump", "15.20")
    assert candidates(tmp_path) == [tmp_path / "debian" / "15" / "bin" / "pg_dump"]


def test_a_program_reached_twice_is_tried_once(tmp_path):
    program = fake(tmp_path / "embedded", "pg_dump", "18.6")
    (tmp_path / "usr-bin").mkdir()
    (tmp_path / "usr-bin" / "pg_dump").symlink_to(program)
    assert candidates(tmp_path) == [program]


def test_the_manifest_version_line_gives_the_dump_major():
    assert dump_major("pg_dump (PostgreSQL) 18.6") == 18
    assert dump_major("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)") == 15
    assert dump_major("") is None


def test_this_machine_finds_programs_for_its_server_versions():
    """The real search: the embedded package's PostgreSQL 18 programs serve any server up
    to 18; a server newer than anything installed is refused."""
    path, version = find_program("pg_restore", 15)
    assert dump_major(version) >= 15
    path, version = find_program("pg_dump", 18)
    assert dump_major(version) == 18
    with pytest.raises(CommandError, match="apt-get install postgresql-client-99"):
        find_program("pg_dump", 99)
