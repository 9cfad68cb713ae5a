"""The private PostgreSQL server used when no DATABASE_URL is given.

The `pgserver` package ships PostgreSQL binaries inside its wheel, so a new machine needs
nothing installed. The cluster lives in `.data/postgres/` of the checkout. pgserver keeps a
list of the processes using the cluster behind an inter-process lock: the web server, a
management command and a test run can use it at once, and the last one to exit stops it.
"""

import contextlib
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
from psycopg import sql

DATABASE_NAME = "community_relations"


def embedded_database_settings(data_dir: Path) -> dict:
    """Start (or join) the embedded server and return Django's settings for its database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); harmless here.
        warnings.simplefilter("ignore")
        import pgserver

        data_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    admin_uri = server.get_uri()
    _ensure_database(admin_uri, DATABASE_NAME)
    query = parse_qs(urlsplit(admin_uri).query)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",  # nosec B105
        # A Unix socket in the data folder: no TCP port to collide with another server.
        "HOST": query.get("host", [""])[0],
        "PORT": query.get("port", [""])[0],
    }


def _ensure_database(admin_uri: str, name: str) -> None:
    with psycopg.connect(admin_uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            # Another process (a parallel command) may create it first.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
