"""What sealing and checking the audit trail cost at a department's decade of entries.

    .venv/bin/python bench/audit_chain.py [--events 1000000]

Uses its own database (crdesk_bench_audit on the PostgreSQL server at 127.0.0.1:5432, or
AUDIT_BENCH_DATABASE_URL), fills the trail with --events entries shaped like real ones
(a row change with its JSON of changed columns), then times, in this process:

1. sealing all of them (`audit.chain.seal_pending`), the first run after an upgrade;
2. sealing the next 1,000 (a busy ten minutes);
3. the daily check of the whole chain (`audit.chain.verify`), with peak memory.
"""

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get(
    "AUDIT_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crdesk_bench_audit"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    base, name = URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(DATABASE_URL=URL, DJANGO_DEBUG="true", DJANGO_LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from audit import chain

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO audit_auditevent (at, action, actor_id, actor_name, client_address,
                path, record_type, record_id, changes, detail)
            SELECT now(), 'update', 1 + n %% 500,
                   'officer' || (n %% 500), ('10.0.0.' || (n %% 250))::inet,
                   'POST /concerns/' || n || '/edit/', 'concerns_concern', n::text,
                   jsonb_build_object('status', jsonb_build_array('new', 'in_progress'),
                                      'updated_at', jsonb_build_array(now()::text, now()::text)),
                   ''
            FROM generate_series(1, %s) AS n
            """,
            [args.events],
        )
    print(f"filled {args.events:,} entries in {time.monotonic() - started:.1f} s")

    started = time.monotonic()
    sealed = chain.seal_pending()
    first = time.monotonic() - started
    print(f"sealed {sealed:,} entries in {first:.1f} s ({sealed / first:,.0f} per second)")

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (action, actor_name, path, record_type, record_id,"
            " detail) SELECT 'login', 'cro', '', '', '', '' FROM generate_series(1, 1000)"
        )
    started = time.monotonic()
    chain.seal_pending()
    print(f"sealed the next 1,000 in {(time.monotonic() - started) * 1000:.0f} ms")

    started = time.monotonic()
    report = chain.verify()
    took = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"verified {report.events:,} entries in {took:.1f} s "
        f"({report.events / took:,.0f} per second), intact={report.intact}, "
        f"peak memory of the process {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
