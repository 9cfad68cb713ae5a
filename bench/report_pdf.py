"""Time and peak memory of rendering the quarterly report PDF for a busy quarter.

    .venv/bin/python bench/report_pdf.py [--concerns 5000] [--activities 3000]

Seeds a separate database (BENCH_REPORT_DATABASE_URL, by default the PostgreSQL server at
127.0.0.1:5432, database crdesk_bench_report) with that many concerns received in one
quarter and that many activities in it, then renders the quarterly report in a fresh
process and prints the wall time and the process's peak resident memory. Target: under
8 s and under 1 GB.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from concern_list import ensure_database, last_line  # noqa: E402

URL = os.environ.get(
    "BENCH_REPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crdesk_bench_report"
)

SEED = """
import datetime as dt, random
from decimal import Decimal
from accounts.models import User
from concerns.models import Concern
from outreach.models import OutreachActivity as A
N, M = {concerns}, {activities}
if Concern.objects.count() < N:
    Concern.objects.all().delete()
    A.objects.all().delete()
    u, _ = User.objects.get_or_create(username="bench-officer", defaults={{"dsn": "B-9"}})
    rng = random.Random(1)
    start = dt.date(2026, 7, 1)
    cats = Concern.Category.values
    areas = ["Maple Heights", "Oak Hollow", "Downtown", "Harbor Road"]
    Concern.objects.bulk_create(
        Concern(
            reference=f"CR-2026-{{i:05d}}",
            date_received=start + dt.timedelta(days=i % 92),
            source_type="citizen",
            category=rng.choice(cats),
            nature=rng.choice(["actual", "perceived", "potential"]),
            area=rng.choice(areas),
            summary="Cars speeding past the school at pick-up time",
            description="Cars speed past the school at pick-up time.",
            reported_by=u,
            reporter_name="Bench Officer",
            status=rng.choice(["received", "in_progress", "referred"]),
        )
        for i in range(N)
    )
    A.objects.bulk_create(
        A(
            kind=rng.choice(A.Kind.values),
            date=start + dt.timedelta(days=i % 92),
            title="Bench activity",
            attendance=rng.randint(0, 50),
            staff_hours=Decimal("2.0"),
            logged_by=u,
        )
        for i in range(M)
    )
print(Concern.objects.count(), A.objects.count())
"""
RENDER = """
import datetime as dt, resource, time
from accounts.models import User
from reports.models import Report
from reports.builders import build
from reports.pdf import render_pdf
u = User.objects.get(username="bench-officer")
report = Report(
    kind="quarterly",
    period_start=dt.date(2026, 7, 1),
    period_end=dt.date(2026, 9, 30),
    created_by=u,
)
t0 = time.perf_counter()
# As frozen at submission: every line of a long listing read, to be kept beside them.
report.data = build(report.kind, report.period_start, report.period_end, {})
t1 = time.perf_counter()
pdf = render_pdf(report)
t2 = time.perf_counter()
from pypdf import PdfReader
import io
pages = len(PdfReader(io.BytesIO(pdf)).pages)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{t1 - t0:.2f} {t2 - t1:.2f} {t2 - t0:.2f} {peak:.0f} {pages} {len(pdf)}")
"""


def manage(*args):
    env = dict(os.environ, DATABASE_URL=URL, DJANGO_DEBUG="true", DJANGO_LOG_LEVEL="WARNING")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--concerns", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=3000)
    args = parser.parse_args()
    ensure_database(URL)
    manage("migrate", "--no-input", "-v", "0")
    counts = last_line(manage("shell", "-c", SEED.format(**vars(args))))
    print(f"{int(counts[0]):,} concerns and {int(counts[1]):,} activities in Q3 2026")
    build_s, render_s, total_s, peak_mb, pages, size = last_line(manage("shell", "-c", RENDER))
    print(f"{'build data (SQL)':28} {float(build_s):8.2f} s")
    print(f"{'render PDF (WeasyPrint)':28} {float(render_s):8.2f} s")
    print(f"{'total':28} {float(total_s):8.2f} s   (target < 8 s)")
    print(f"{'peak resident memory':28} {float(peak_mb):8.0f} MB  (target < 1024 MB)")
    print(f"{'pages, bytes':28} {pages:>8} {int(size):,}")


if __name__ == "__main__":
    main()
