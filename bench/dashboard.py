"""The Chief's dashboard at a large department's volume, served as in production.

    .venv/bin/python bench/dashboard.py [--concerns 1000000] [--activities 300000]
                                        [--requests 200] [--pdf-requests 20] [--sql]

Uses the benchmark database of bench/concern_list.py (BENCH_DATABASE_URL, by default
database crdesk_bench at 127.0.0.1:5432) and fills it up to --concerns concerns and
--activities outreach activities with `seed_volume`, seeding only what is missing. Serves
the app with gunicorn (DEBUG off, two workers: this machine has two cores), signs in a
Chief, requests each page --requests times one after another (the PDF --pdf-requests
times) after a warm-up and prints the median, p95, p99 and maximum latency per page, and
the number of SQL queries one request of each page makes and their total time (one warm
request in a separate process, through Django's test client), and the 1-minute load average
when the page was done. With --sql it also prints each page's slowest queries.
Nothing here is a pass/fail test: the figures go to docs/PERFORMANCE.md.
"""

import argparse
import http.client
import json
import math
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from concern_list import ROOT, ensure_database, env, last_line, manage  # noqa: E402

PORT = 8766
TARGET_MS = 300

SETUP = """
from accounts import demo_areas
demo_areas.seed()  # the demo town's areas, so the volume is placed and pinned
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from accounts.models import User
from core.roles import Role
from concerns.models import Concern
from outreach.models import CommunityOrganization, OutreachActivity
chief, _ = User.objects.get_or_create(
    username="bench-chief",
    defaults={"dsn": "B-2", "first_name": "Bench", "last_name": "Chief", "rank": "Chief"},
)
chief.groups.add(*Group.objects.filter(name__in=[Role.CHIEF, Role.OFFICER]))
for i in range(20):
    o, _ = User.objects.get_or_create(
        username=f"bench-officer-{i}", defaults={"dsn": f"B-{100 + i}", "last_name": f"Off {i}"}
    )
    o.groups.add(*Group.objects.filter(name=Role.OFFICER))
from django_otp.plugins.otp_totp.models import TOTPDevice
device, _ = TOTPDevice.objects.get_or_create(user=chief, name="Bench", defaults={"confirmed": True})
s = SessionStore()
s["otp_device_id"] = device.persistent_id  # past the second factor, as after a code
s["_auth_user_id"] = str(chief.pk)
s["_auth_user_backend"] = "accounts.backends.DepartmentBackend"
s["_auth_user_hash"] = chief.get_session_auth_hash()
s.create()
print(
    Concern.objects.count(),
    OutreachActivity.objects.count(),
    CommunityOrganization.objects.count(),
    timezone.localdate().isoformat(),
    s.session_key,
)
"""

# One request of each page through the test client, its queries captured (DEBUG stays off).
QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
client.cookies["sessionid"] = {session!r}
out = {{}}
for path in {paths!r}:
    client.get(path)  # warm: templates, lazy imports
    with CaptureQueriesContext(connection) as captured:
        status = client.get(path).status_code
    queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    out[path] = {{
        "status": status,
        "count": len(queries),
        "ms": sum(float(q["time"]) for q in queries) * 1000,
        "slowest": queries[:{top}],
    }}
print(json.dumps(out))
"""


def pages(today: str) -> list[tuple[str, str, bool]]:
    """(label, path, is a PDF)."""
    year, rest = today.split("-", 1)
    ten_years_ago = f"{int(year) - 10}-{rest}".replace("-02-29", "-02-28")
    return [
        ("dashboard, this month (default)", "/", False),
        ("dashboard, this quarter", "/?period=quarter", False),
        ("dashboard, this year", "/?period=year", False),
        (
            "dashboard, custom 10 years",
            f"/?period=custom&from={ten_years_ago}&to={today}",
            False,
        ),
        ("approvals inbox", "/inbox/", False),
        ("dashboard PDF, this month", "/dashboard.pdf", True),
    ]


def get(path: str, cookie: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    return response.status, elapsed


def percentile(ordered: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--pdf-requests", type=int, default=20)
    parser.add_argument("--sql", action="store_true", help="Print each page's slowest queries.")
    args = parser.parse_args()

    ensure_database(env()["DATABASE_URL"])
    print("Migrating the benchmark database ...", flush=True)
    manage("migrate", "--no-input", "-v", "0")
    manage("collectstatic", "--no-input", "-v", "0")
    concerns, activities, *_ = last_line(manage("shell", "-c", SETUP, capture=True))
    if args.concerns > int(concerns):
        print(f"Seeding {args.concerns - int(concerns):,} concerns ...", flush=True)
        manage("seed_volume", "--concerns", str(args.concerns - int(concerns)))
    if args.activities > int(activities):
        print(f"Seeding {args.activities - int(activities):,} activities ...", flush=True)
        manage("seed_volume", "--activities", str(args.activities - int(activities)))
    concerns, activities, organizations, today, session = last_line(
        manage("shell", "-c", SETUP, capture=True)
    )
    measured = pages(today)

    print("Counting queries per request ...", flush=True)
    script = QUERIES.format(
        session=session, paths=[path for _, path, _ in measured], top=5 if args.sql else 0
    )
    counted = json.loads(manage("shell", "-c", script, capture=True).strip().splitlines()[-1])

    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--timeout",
            "120",
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
        print(
            f"\n{int(concerns):,} concerns, {int(activities):,} activities, "
            f"{int(organizations):,} organizations; today {today}; "
            f"{args.requests} sequential requests per page ({args.pdf_requests} for the PDF) "
            f"after 5 warm-up requests; load average before: {load()}\n"
        )
        print(
            f"{'page':34} {'median ms':>10} {'p95 ms':>10} {'p99 ms':>10} {'max ms':>10} "
            f"{'queries':>8} {'SQL ms':>7} {'load':>5}  errors"
        )
        for label, path, is_pdf in measured:
            for _ in range(5):  # warm the workers and caches
                get(path, session)
            times, errors = [], 0
            for _ in range(args.pdf_requests if is_pdf else args.requests):
                status, ms = get(path, session)
                errors += status != 200
                times.append(ms)
            times.sort()
            print(
                f"{label:34} {statistics.median(times):10.1f} {percentile(times, 0.95):10.1f} "
                f"{percentile(times, 0.99):10.1f} {times[-1]:10.1f} "
                f"{counted[path]['count']:>8} {counted[path]['ms']:7.0f} {load().split()[0]:>5}"
                f"  {errors}",
                flush=True,
            )
        print(f"\nload average after: {load()}; target p95 < {TARGET_MS} ms for the dashboard")
        print(f"paths: {', '.join(path for _, path, _ in measured)}")
    finally:
        server.terminate()
        server.wait(10)

    if args.sql:
        for label, path, _ in measured:
            print(f"\n== {label} ({path}): {counted[path]['count']} queries, slowest:")
            for query in counted[path]["slowest"]:
                print(f"  {float(query['time']) * 1000:8.1f} ms  {query['sql'][:2000]}")


if __name__ == "__main__":
    main()
