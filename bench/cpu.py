"""Server CPU per request of the hot pages, measured in one process, with a profile on
demand: where a page's milliseconds go.

    .venv/bin/python bench/cpu.py [--requests 60] [--profile PAGE] [--explain PAGE] [--top 30]

Reads the benchmark database `make bench` seeded (BENCH_DATABASE_URL, by default
crdesk_bench at 127.0.0.1:5432; run `make bench` or `bench/run.py --pdf-only` once first).
Django's test client asks each page --requests times after a warm-up, signed in as the
member the page is for, with DEBUG off; the CPU time of this process is read around each
request (time.process_time: the view, the templates, the database driver's work on this
side; not PostgreSQL's), and the wall time. Prints the median and p95 CPU milliseconds per
page, the p95 wall milliseconds and the queries per request, then issue 26's targets: at
most 8 ms of CPU (median) for the hot pages, and the dashboard's p95 under 80 ms with its
cache cleared before every request. With --profile, one page is asked again under
cProfile and its top functions by own time are printed, with the counts of the calls that
matter most. With --explain, each query one request of the page makes is run again under
EXPLAIN ANALYZE (the best of three): PostgreSQL's own planning and execution time, the
total and the slowest, each with the code that asked it.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from concern_list import env  # noqa: E402

# The benchmark's settings, served by the test client (its host is "testserver").
os.environ.update(env())
os.environ.update(
    DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
    DJANGO_LOG_LEVEL="ERROR",
    CRD_BENCH="true",
    DJANGO_SETTINGS_MODULE="config.settings",
)

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import User  # noqa: E402
from concerns.models import Concern  # noqa: E402

# (label, who, path); None as the path: the page is found below.
PAGES = [
    ("bare Django view (yardstick)", "cro", "/bench/hello/"),
    ("concerns, list (default)", "cro", "/concerns/"),
    ("concerns, list (filtered)", "cro", "/concerns/?status=in_progress&category=traffic"),
    ("concerns, list (searched)", "cro", "/concerns/?q=streetlights+dark"),
    ("concern detail (CRO)", "cro", None),
    ("officer's home", "officer", "/"),
    ("approvals inbox", "chief", "/inbox/"),
    ("dashboard (Chief), cold", "chief", "/"),
]
CPU_TARGETS = {
    "concerns, list (default)",
    "concerns, list (filtered)",
    "concerns, list (searched)",
    "concern detail (CRO)",
    "officer's home",
    "approvals inbox",
}
CPU_TARGET_MS = 8
COLD_TARGET_MS = 80
MEMBERS = {"cro": "bench-cro", "chief": "bench-chief", "officer": "bench-officer-0"}
COLD = "cold"  # pages whose cache is cleared before each request


def client_for(username: str) -> Client:
    """Signed in and past the second factor, as after a code."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user, backend="accounts.backends.DepartmentBackend")
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="Bench", defaults={"confirmed": True}
    )
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def resolve(path: str | None) -> str:
    if path is not None:
        return path
    reference = Concern.objects.order_by("-pk").values_list("reference", flat=True)[500]
    return f"/concerns/{reference}/"


def ask(client: Client, path: str, cold: bool) -> tuple[float, float, int]:
    """CPU and wall milliseconds, and the queries the response reports (X-Queries)."""
    if cold:
        cache.clear()
    started, wall = time.process_time(), time.perf_counter()
    response = client.get(path)
    spent, waited = time.process_time() - started, time.perf_counter() - wall
    if response.status_code != 200:
        raise SystemExit(f"{path}: {response.status_code}")
    return spent * 1000, waited * 1000, int(response.get("X-Queries", 0))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure(requests: int) -> list[tuple]:
    clients = {who: client_for(name) for who, name in MEMBERS.items()}
    rows = []
    for label, who, path in PAGES:
        path = resolve(path)
        cold = label.endswith(COLD)
        for _ in range(5):
            ask(clients[who], path, cold)
        answers = [ask(clients[who], path, cold) for _ in range(requests)]
        cpu = [spent for spent, _, _ in answers]
        wall = [waited for _, waited, _ in answers]
        queries = max(count for _, _, count in answers)
        row = (label, statistics.median(cpu), p95(cpu), p95(wall), queries)
        rows.append(row)
        print(f"  {label:32} {row[1]:7.2f} {row[2]:7.2f} {row[3]:8.2f} {queries:5}", flush=True)
    return rows


def verdicts(rows: list[tuple]) -> None:
    """Issue 26's targets: CPU per request of the hot pages, the dashboard with no cache."""
    print("Targets:")
    for label, cpu_median, _cpu_p95, wall_p95, _queries in rows:
        if label in CPU_TARGETS:
            met = "met" if cpu_median <= CPU_TARGET_MS else "MISSED"
            print(f"  {label:32} CPU median {cpu_median:6.2f} ms <= {CPU_TARGET_MS} ms: {met}")
        if label.endswith(COLD):
            met = "met" if wall_p95 < COLD_TARGET_MS else "MISSED"
            print(f"  {label:32} p95 {wall_p95:7.1f} ms < {COLD_TARGET_MS} ms: {met}")


def profile(label: str, requests: int, top: int) -> None:
    found = [(who, path) for name, who, path in PAGES if name == label]
    if not found:
        raise SystemExit(f"No page {label!r}; one of: {', '.join(p[0] for p in PAGES)}")
    who, path = found[0]
    client, path, cold = client_for(MEMBERS[who]), resolve(path), label.endswith(COLD)
    for _ in range(5):
        ask(client, path, cold)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        ask(client, path, cold)
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"\nProfile of {label} ({path}), {requests} requests, by own time:")
    stats.sort_stats("tottime").print_stats(top)
    print("By cumulative time, the project's own code and the template layer:")
    stats.sort_stats("cumulative").print_stats(
        r"work/main/(?!\.venv)|as_widget|render_to_string|crispy|loader_tags", top
    )
    print("Calls per request of what the issue names:")
    for function in ("gettext", "_resolve_lookup", "make_hashable", "render"):
        calls = sum(
            count
            for (_file, _line, name), (count, *_rest) in stats.stats.items()
            if name == function
        )
        print(f"  {function:20} {calls / requests:9.0f}")


def explain(label: str, top: int) -> None:
    """PostgreSQL's own time for each query of one request of the page."""
    found = [(who, path) for name, who, path in PAGES if name == label]
    if not found:
        raise SystemExit(f"No page {label!r}; one of: {', '.join(p[0] for p in PAGES)}")
    who, path = found[0]
    client, path, cold = client_for(MEMBERS[who]), resolve(path), label.endswith(COLD)
    ask(client, path, cold)
    asked = []

    def keep(execute, sql, params, many, context):
        here = [
            f"{Path(frame.filename).relative_to(ROOT)}:{frame.name}"
            for frame in traceback.extract_stack()
            if frame.filename.startswith(str(ROOT)) and "/.venv/" not in frame.filename
        ]
        asked.append((sql, params, " < ".join(reversed(here[-3:-1]))))
        return execute(sql, params, many, context)

    if cold:
        cache.clear()
    with connection.execute_wrapper(keep):
        client.get(path)
    timed = []
    with connection.cursor() as cursor:
        for sql, params, where in asked:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            best = None
            for _ in range(3):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0][0]
                spent = (plan["Planning Time"], plan["Execution Time"])
                best = spent if best is None or sum(spent) < sum(best) else best
            timed.append((sum(best), best[0], where))
    timed.sort(reverse=True)
    print(f"\n{label} ({path}): {len(timed)} queries, PostgreSQL's time (ms):")
    print(f"  all: {sum(t[0] for t in timed):.1f}, of it planning {sum(t[1] for t in timed):.1f}")
    for total, planning, where in timed[:top]:
        print(f"  {total:6.2f} (planning {planning:5.2f})  {where}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", help="a page's label, as printed")
    parser.add_argument("--explain", help="a page's label, as printed")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    if args.profile:
        profile(args.profile, args.requests, args.top)
        return
    if args.explain:
        explain(args.explain, args.top)
        return
    print(f"Server CPU per request, {args.requests} requests each, one after another (ms):")
    print(f"  {'page':32} {'CPU p50':>7} {'CPU p95':>7} {'wall p95':>8} {'SQL':>5}")
    verdicts(measure(args.requests))


if __name__ == "__main__":
    main()
