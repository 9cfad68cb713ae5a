"""What a real department's map and archive cost the pages that name them: areas traced
with thousands of points, and a decade of reports with their frozen figures.

    .venv/bin/python bench/traced.py [--beats 60] [--points 2000] [--reports 200]

`make bench`'s areas are the demo town's small squares and its reports a handful, so its
pages never read a heavy boundary or many reports' figures. This adds --beats beats traced
with --points points each and --reports copies of the largest report the benchmark holds,
in a transaction rolled back at the end (the benchmark database, BENCH_DATABASE_URL, is
left as it was: run `make bench` or `bench/run.py --pdf-only` once first), and prints the
CPU milliseconds of what reads them, the way the code reads them now beside the way it
read them before (issue 26, sixth step):
- the areas a pick-list names: every column, or `Area.objects.for_picking()`;
- placing a record (every intake without a chosen area): every active area read whole and
  each boundary checked, or `accounts.areas.resolve()`, by a typed place and by a point;
- the report list's page of 50: every column, or `Report.objects.listed()`.
Nothing here is a pass/fail test: the figures go to docs/PERFORMANCE.md.
"""

import argparse
import copy
import math
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cpu  # noqa: E402  (the benchmark's settings and Django, as bench/cpu.py sets them)
from django.db import transaction  # noqa: E402
from shapely.geometry import Point  # noqa: E402

from accounts import areas  # noqa: E402
from accounts.geometry import checked_shape  # noqa: E402
from accounts.models import Area  # noqa: E402
from reports.models import Report  # noqa: E402

# Where the traced beats lie: a row of circles east of the demo town, apart from its areas.
WEST, LATITUDE, STEP, RADIUS = -87.0, 41.8, 0.03, 0.01


class Rollback(Exception):
    """Raised at the end, so that nothing added stays."""


def ring(west: float, points: int) -> dict:
    angles = [2 * math.pi * i / points for i in range(points)]
    coordinates = [[west + RADIUS * math.cos(a), LATITUDE + RADIUS * math.sin(a)] for a in angles]
    return {"type": "Polygon", "coordinates": [coordinates + [coordinates[0]]]}


def cpu_ms(work, times: int) -> tuple[float, float]:
    """Median and p95 CPU milliseconds of `work`, after two calls to warm it."""
    for _ in range(2):
        work()
    spent = []
    for _ in range(times):
        started = time.process_time()
        work()
        spent.append((time.process_time() - started) * 1000)
    return statistics.median(spent), cpu.p95(spent)


def as_before(latitude=None, longitude=None) -> Area | None:
    """Placing a record as the resolver did before: every active area read whole, and for
    a point every boundary checked."""
    every = list(Area.objects.filter(is_active=True))
    if latitude is None:
        return None  # the text's match is the same rule before and now
    point = Point(longitude, latitude)
    shapes = [(a, checked_shape(a.boundary)) for a in every if a.boundary is not None]
    return next((a for a, shape in shapes if shape.covers(point)), None)


def show(label: str, before: tuple, after: tuple) -> None:
    print(
        f"  {label:44} before {before[0]:8.2f} (p95 {before[1]:8.2f})"
        f"   now {after[0]:7.2f} (p95 {after[1]:7.2f})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--beats", type=int, default=60)
    parser.add_argument("--points", type=int, default=2000)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--times", type=int, default=30)
    options = parser.parse_args()
    model = max(Report.objects.exclude(data=None), key=lambda r: len(str(r.data)), default=None)
    if model is None:
        raise SystemExit("The benchmark database holds no frozen report: run make bench first.")
    client = cpu.client_for(cpu.MEMBERS["cro"])
    try:
        with transaction.atomic():
            for i in range(options.beats):
                boundary = ring(WEST + i * STEP, options.points)
                Area.objects.create(
                    code=f"TB{i:03}", name=f"Traced beat {i}", kind="beat", boundary=boundary
                )
            copies = []
            for i in range(options.reports):
                report = copy.copy(model)
                report.pk = report.id = None
                report.version = 1000 + i
                copies.append(report)
            Report.objects.bulk_create(copies)
            print(
                f"{Area.objects.count()} areas ({options.beats} traced with {options.points} "
                f"points), {Report.objects.count()} reports ({len(str(model.data)):,} characters "
                f"of figures each); CPU ms, median of {options.times}:",
                flush=True,
            )
            times = options.times
            show(
                "the areas a pick-list names",
                cpu_ms(lambda: list(Area.objects.order_by("name")), times),
                cpu_ms(lambda: list(Area.objects.for_picking()), times),
            )
            inside = {"latitude": LATITUDE, "longitude": WEST + 7 * STEP}
            show(
                "placing a record by its typed place",
                cpu_ms(as_before, times),
                cpu_ms(lambda: areas.resolve("400 block of Elm Street"), times),
            )
            show(
                "placing a record by its point",
                cpu_ms(lambda: as_before(**inside), times),
                cpu_ms(lambda: areas.resolve("", **inside), times),
            )
            listed = Report.objects.select_related("created_by", "decided_by", "survey")
            show(
                "the report list's page of 50",
                cpu_ms(lambda: list(listed.order_by("-period_start")[:51]), times),
                cpu_ms(lambda: list(listed.listed().order_by("-period_start")[:51]), times),
            )
            page = cpu_ms(lambda: client.get("/reports/"), times)
            print(
                f"  {'the report list, the whole page now':44} {page[0]:8.2f} (p95 {page[1]:8.2f})"
            )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
