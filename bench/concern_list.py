"""Concern list latency at a large department's volume, served as in production.

    .venv/bin/python bench/concern_list.py [--concerns 1000000] [--requests 200]

Seeds a separate benchmark database (BENCH_DATABASE_URL, by default the PostgreSQL server
at 127.0.0.1:5432, database crdesk_bench) up to --concerns concerns with
`seed_volume`, serves the app with gunicorn (DEBUG off, two workers: this machine has two
cores), signs in a CRO, requests each page --requests times one after another and prints
the median and p95 latency per page. Nothing here is a pass/fail test: the figures go to
docs/PERFORMANCE.md.
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765

PAGES = [
    ("list, default", "/concerns/"),
    ("list, filtered", "/concerns/?status=in_progress&category=traffic"),
    ("list, open + sorted oldest", "/concerns/?open=on&sort=oldest"),
    ("list, searched", "/concerns/?q=streetlights+dark"),
    ("list, search + filter", "/concerns/?q=speed&received_from=2024-01-01"),
    ("list, needs my action", "/concerns/?needs_me=on"),
    ("list, page 20", "/concerns/?page=20"),
    ("my concerns", "/concerns/mine/"),
    ("list's map, default", "/concerns/map/"),
    ("list's map, filtered", "/concerns/map/?status=in_progress&category=traffic"),
    ("list's map, one area", "/concerns/map/?open=on&defined_area=1"),
]


def env() -> dict:
    e = dict(os.environ)
    e.update(
        DATABASE_URL=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crdesk_bench"
        ),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return e


def manage(*args, capture=False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


SETUP = """
from accounts import demo_areas
demo_areas.seed()  # the demo town's areas, so the volume is placed and pinned
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from accounts.models import User
from concerns.models import Concern
u, _ = User.objects.get_or_create(
    username="bench-cro", defaults={"dsn": "B-1", "first_name": "Bench", "last_name": "CRO"}
)
u.groups.add(*Group.objects.filter(name__in=["Community Relations Officer", "Officer"]))
for i in range(20):
    o, _ = User.objects.get_or_create(
        username=f"bench-officer-{i}", defaults={"dsn": f"B-{100 + i}", "last_name": f"Off {i}"}
    )
    o.groups.add(*Group.objects.filter(name="Officer"))
from django_otp.plugins.otp_totp.models import TOTPDevice
device, _ = TOTPDevice.objects.get_or_create(user=u, name="Bench", defaults={"confirmed": True})
s = SessionStore()
s["otp_device_id"] = device.persistent_id  # past the second factor, as after a code
s["_auth_user_id"] = str(u.pk)
s["_auth_user_backend"] = "accounts.backends.DepartmentBackend"
s["_auth_user_hash"] = u.get_session_auth_hash()
s.create()
print(Concern.objects.count(), s.session_key)
"""


def last_line(output: str) -> list[str]:
    return output.strip().splitlines()[-1].split()


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def get(path: str, cookie: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response.status, elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    ensure_database(env()["DATABASE_URL"])
    print("Migrating the benchmark database ...", flush=True)
    manage("migrate", "--no-input", "-v", "0")
    manage("collectstatic", "--no-input", "-v", "0")
    count, _ = last_line(manage("shell", "-c", SETUP, capture=True))
    missing = args.concerns - int(count)
    if missing > 0:
        print(f"Seeding {missing:,} concerns ...", flush=True)
        manage("seed_volume", "--concerns", str(missing))
    count, session = last_line(manage("shell", "-c", SETUP, capture=True))

    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(),
    )
    try:
        for _ in range(100):
            try:
                get("/healthz", session)
                break
            except OSError:
                time.sleep(0.2)
        print(f"\n{int(count):,} concerns; {args.requests} sequential requests per page\n")
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>10} {'max ms':>10}  errors")
        for label, path in PAGES:
            for _ in range(5):  # warm the workers and caches
                get(path, session)
            times, errors = [], 0
            for _ in range(args.requests):
                status, ms = get(path, session)
                errors += status != 200
                times.append(ms)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            median = statistics.median(times)
            print(f"{label:32} {median:10.1f} {p95:10.1f} {times[-1]:10.1f}  {errors}")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
