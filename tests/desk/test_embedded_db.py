"""The embedded PostgreSQL (config/embedded_db.py): a maintained PostgreSQL 18, shared by
several processes and stopped by the last, reached only through a Unix socket in its
folder, running under root too; a folder of an older major version stops the start with
the steps to move its data.

The server tests start their own server in a temporary folder, in child processes: the
test run's own database (embedded or not) is left alone."""

import json
import os
import subprocess
import sys
from pathlib import Path

import psutil
import psycopg
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.embedded_db import check_cluster_version, embedded_database_settings

# A process using the server: prints its database settings, exits when told (a line).
USER = """
import json, sys
from pathlib import Path
from config.embedded_db import embedded_database_settings
print(json.dumps(embedded_database_settings(Path(sys.argv[1]))), flush=True)
sys.stdin.readline()
"""


def start_user(data: Path) -> tuple[subprocess.Popen, dict]:
    process = subprocess.Popen(
        [sys.executable, "-c", USER, str(data)],
        cwd=settings.BASE_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line, f"the process exited with {process.wait()}"
    app, owner = json.loads(line)
    assert (app["USER"], owner["USER"]) == ("crd_app", "crd_owner")
    return process, app


def stop_user(process: subprocess.Popen) -> None:
    process.stdin.write("\n")
    process.stdin.close()
    assert process.wait(timeout=60) == 0


def connect(database: dict) -> psycopg.Connection:
    return psycopg.connect(
        host=database["HOST"], dbname=database["NAME"], user="postgres", connect_timeout=5
    )


def postmaster_pid(data: Path) -> int | None:
    pid_file = data / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def test_the_server_is_postgresql_18_shared_by_processes_and_stopped_by_the_last(tmp_path):
    data = tmp_path / "postgres"
    first, database = start_user(data)
    second = None
    try:
        assert database["HOST"] == str(data.resolve())  # the socket is in the data folder
        assert (data / ".s.PGSQL.5432").is_socket()
        server = postmaster_pid(data)
        with connect(database) as conn:
            assert int(conn.execute("SHOW server_version_num").fetchone()[0]) >= 180000
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""  # no TCP port
            # Set up with the two roles, as production is (audit/roles.py).
            owner = conn.execute(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s",
                [database["NAME"]],
            ).fetchone()[0]
            assert owner == "crd_owner"
            powers = conn.execute(
                "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = 'crd_app'"
            ).fetchone()
            assert powers == (False, False)
            # The contrib modules ship with it.
            for extension in ("pg_trgm", "unaccent", "btree_gist"):
                conn.execute(f"CREATE EXTENSION {extension}")
        # PostgreSQL refuses to run as root: under root (CI) it runs as its own user.
        assert psutil.Process(server).uids().effective != 0
        if os.geteuid() == 0:
            assert psutil.Process(server).username() == "embedded_postgres"

        second, joined = start_user(data)
        assert joined == database
        assert postmaster_pid(data) == server  # joined, not started again
        stop_user(first)
        with connect(database) as conn:  # still serving the second
            assert conn.execute("SELECT 1").fetchone() == (1,)
        stop_user(second)
        assert postmaster_pid(data) is None
        with pytest.raises(psycopg.OperationalError):
            connect(database)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()


def test_a_folder_of_postgresql_16_stops_the_start_with_the_upgrade_steps(tmp_path):
    data = tmp_path / "postgres"
    data.mkdir()
    (data / "PG_VERSION").write_text("16\n")
    with pytest.raises(ImproperlyConfigured) as stopped:
        embedded_database_settings(data)
    message = str(stopped.value)
    assert f"{data} holds a PostgreSQL 16 database" in message
    assert "the embedded server is now PostgreSQL 18" in message
    assert f"mv {data} {data}-16" in message
    assert "manage.py backup" in message and "manage.py restore" in message
    assert "README.md" in message
    # Nothing was started or created in it.
    assert sorted(p.name for p in data.iterdir()) == ["PG_VERSION"]


def test_a_folder_of_the_same_version_or_a_new_folder_is_accepted(tmp_path):
    check_cluster_version(tmp_path / "missing", 18)
    (tmp_path / "PG_VERSION").write_text("18\n")
    check_cluster_version(tmp_path, 18)
    with pytest.raises(ImproperlyConfigured, match="PostgreSQL 19 database"):
        (tmp_path / "PG_VERSION").write_text("19\n")
        check_cluster_version(tmp_path, 18)
