"""Time and peak memory of importing a large spreadsheet of old concerns.

    .venv/bin/python bench/import_concerns.py [--rows 20000] [--format csv|xlsx]

Writes a file of that many concerns (the largest one import takes), then, in a fresh process
against a separate database (BENCH_IMPORT_DATABASE_URL, by default 127.0.0.1:5432, database
crdesk_bench_import, migrated here), times reading and checking every row (what the check
page does) and the import itself (checks again, then saves all rows and their timelines in
one transaction), and prints the process's peak resident memory.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from concern_list import ensure_database  # noqa: E402

URL = os.environ.get(
    "BENCH_IMPORT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crdesk_bench_import"
)

RUN = """
import datetime as dt, random, resource, time
import tablib
from imports.engine import auto_mapping, check, read_file, run_import
from imports.specs import specs
from accounts.models import User
from imports.models import ImportLog
from core.roles import Role
from concerns.models import Concern
from django.contrib.auth.models import Group

rng = random.Random(7)
cats = [c for c in Concern.Category.values if c != "conduct_bias"]
rows = []
for n in range({rows}):
    day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(0, 3600))
    resolved = rng.random() < 0.8
    rows.append([
        "", day.isoformat(), "citizen", "Resident %d" % n, rng.choice(cats),
        "Beat %d" % rng.randrange(1, 40), "Old record %d: noise, parking or lights." % n,
        "resolved" if resolved else "in_progress",
        (day + dt.timedelta(days=rng.randrange(1, 60))).strftime("%m/%d/%Y") if resolved else "",
    ])
headers = ["reference", "date_received", "source_type", "source_name", "category", "area",
           "description", "status", "resolved_on"]
data = tablib.Dataset(*rows, headers=headers).export("{fmt}")
data = data.encode() if isinstance(data, str) else data
Concern.objects.filter(import_log__isnull=False).delete()
cro, _ = User.objects.get_or_create(username="bench-cro", defaults={{"dsn": "B-CRO"}})
cro.groups.add(Group.objects.get_or_create(name=Role.CRO.value)[0])
spec = specs()["concerns"]
t0 = time.perf_counter()
dataset = read_file(data, "old.{fmt}")
t1 = time.perf_counter()
result = check(spec, dataset, auto_mapping(spec, dataset.headers))
t2 = time.perf_counter()
assert result.ok, result.problems[:3]
log = ImportLog.objects.create(kind="concerns", file_name="old.{fmt}", by=cro,
                               mapping=auto_mapping(spec, dataset.headers))
run_import(log=log, dataset=dataset)
log.refresh_from_db()
t3 = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("rows %d, file %.1f MB (%s)" % (len(rows), len(data) / 1e6, "{fmt}"))
print("read %.2f s, check %.2f s (the check page)" % (t1 - t0, t2 - t1))
print("import %.2f s (check, check again, save), %d created" % (t3 - t2, log.created))
print("peak memory %.0f MB" % peak)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": URL, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "bench"}
    ensure_database(URL)
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    code = RUN.format(rows=args.rows, fmt=args.format)
    subprocess.run([python, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
