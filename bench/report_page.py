"""The busiest quarter's report page, as a draft and once submitted, at `make bench`'s
million concerns (issue 26, seventh step).

    .venv/bin/python bench/report_page.py [--times 5]

A draft quarterly report of the last ended quarter is made, its page asked for --times
times as the CRO, then it is submitted (its long listings frozen beside its figures) and
its page asked for again; all in a transaction rolled back at the end, so the benchmark
database (BENCH_DATABASE_URL; run `make bench` or `bench/run.py --pdf-only` once first) is
left as it was. Prints the wall and CPU milliseconds of each page (median and worst), how
long the submission took, and the size of the figures the page reads. Nothing here is a
pass/fail test: the figures go to docs/PERFORMANCE.md.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpu  # noqa: E402  (the benchmark's settings and Django, as bench/cpu.py sets them)
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from reports import services  # noqa: E402
from reports.models import Report  # noqa: E402
from reports.periods import previous_period  # noqa: E402


class RolledBack(Exception):
    pass


def timed(client, path: str, times: int) -> str:
    cpu_ms, wall_ms = [], []
    for _ in range(times):
        started, wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu_ms.append((time.process_time() - started) * 1000)
        wall_ms.append((time.perf_counter() - wall) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
    return (
        f"wall {statistics.median(wall_ms):7.0f} ms (worst {max(wall_ms):7.0f}), "
        f"CPU {statistics.median(cpu_ms):7.0f} ms (worst {max(cpu_ms):7.0f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=5)
    options = parser.parse_args()
    cro = User.objects.get(username=cpu.MEMBERS["cro"])
    client = cpu.client_for(cro.username)
    start, end = previous_period("quarterly", timezone.localdate())
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind="quarterly", period_start=start, period_end=end, version=900, created_by=cro
            )
            path = f"/reports/{report.pk}/"
            print(f"The quarter of {start:%B %Y} ({start} to {end}), as the CRO:", flush=True)
            print(f"  {'draft (figures counted live)':34} {timed(client, path, options.times)}")
            started = time.perf_counter()
            services.submit_report(report=report, by=cro, late_reason="Benchmark.")
            took = time.perf_counter() - started
            report.refresh_from_db()
            lines = {frozen.key: frozen.rows for frozen in report.listings.all()}
            print(f"  {'submitted (figures frozen)':34} {timed(client, path, options.times)}")
            print(
                f"  submitting took {took:.2f} s; the figures are "
                f"{len(json.dumps(report.data)) / 1e6:.2f} MB of JSON; frozen beside them: "
                + (", ".join(f"{key} {len(rows):,} lines" for key, rows in lines.items()) or "none")
            )
            raise RolledBack
    except RolledBack:
        pass


if __name__ == "__main__":
    main()
