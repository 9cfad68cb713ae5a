"""Bulk concerns for benchmarks: a large department's decade, generated inside PostgreSQL.

Python cannot build a million rows in under a minute; PostgreSQL can, from
generate_series(), in one INSERT ... SELECT. Each concern gets its "received" timeline
line and resolved ones a resolution line. References continue the per-year counters, in
date order, so the app keeps numbering after them. For large batches the secondary
indexes are dropped first and rebuilt after, which is several times faster than
maintaining them row by row.
"""

import time

from django.db import connection, transaction

from accounts.areas import Resolver
from accounts.demo_areas import demo_area
from accounts.demo_places import SCATTER, SPOTS, WITH_POINT
from concerns import references
from concerns.demo import AREAS, STORIES
from concerns.models import Concern
from concerns.summaries import first_sentence
from core.bulk import (
    drop_indexes,
    rebuild_indexes,
    skip_foreign_key_checks,
    sql_array,
    sql_literal,
)

# Roughly how a mature department's concerns stand: most long resolved. (status, weight)
STATUS_WEIGHTS = [
    (Concern.Status.RESOLVED, 80),
    (Concern.Status.IN_PROGRESS, 6),
    (Concern.Status.ACTION_RECOMMENDED, 3),
    (Concern.Status.REFERRED, 3),
    (Concern.Status.FORWARDED, 2),
    (Concern.Status.ESCALATED, 2),
    (Concern.Status.RECEIVED, 3),
    (Concern.Status.REOPENED, 1),
]

REBUILD_ABOVE = 100_000


def _status_case() -> str:
    total = sum(w for _, w in STATUS_WEIGHTS)
    parts, edge = [], 0.0
    for status, weight in STATUS_WEIGHTS[:-1]:
        edge += weight / total
        parts.append(f"WHEN g.r_status < {edge:.4f} THEN '{status}'")
    return f"CASE {' '.join(parts)} ELSE '{STATUS_WEIGHTS[-1][0]}' END"


def _places() -> list[tuple]:
    """Each typed place of the volume, with the area and the spot the demo gives it (the
    area its spot lies in, else the one its text names): a million concerns placed and
    mostly pinned, as a department's decade would be once areas are set up."""
    resolver = Resolver.load()
    rows = []
    for place in AREAS:
        lat, lon = SPOTS.get(place, (None, None))
        area = resolver.at(lat, lon) or demo_area(place)
        rows.append((place, area.pk if area else None, lat, lon))
    return rows


def seed_volume(*, count: int, reporters: list, years: int = 10, seed: int = 1, log=print) -> int:
    """Insert `count` concerns spread over the last `years` years. Returns the number made."""
    stories = [
        (cat, first_sentence(desc), desc, sugg)
        for cat, pairs in STORIES.items()
        for desc, sugg in pairs
    ]
    reporter_rows = [(u.pk, u.display_name, u.dsn or "") for u in reporters]
    places = _places()
    rebuild = count > REBUILD_ABOVE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        fk_checks_skipped = skip_foreign_key_checks(cursor)
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM concerns_concern")
        (start_id,) = cursor.fetchone()
        dropped = (
            drop_indexes(cursor, ["concerns_concern", "concerns_concernupdate"]) if rebuild else []
        )
        started = time.monotonic()
        # Every value interpolated here is a code constant or quoted by sql_literal().
        cursor.execute(
            f"""
            WITH stories(n, category, summary, description, suggestions) AS (
                VALUES {
                ", ".join(
                    f"({i + 1}, {sql_literal(c)}, {sql_literal(m)}, {sql_literal(d)}, "
                    f"{sql_literal(g)})"
                    for i, (c, m, d, g) in enumerate(stories)
                )
            }
            ),
            places(n, area, area_id, lat, lon) AS (
                VALUES {
                ", ".join(
                    f"({i + 1}, {sql_literal(a)}, {area_id or 'NULL::bigint'}, "
                    f"{lat if lat is not None else 'NULL::float8'}, "
                    f"{lon if lon is not None else 'NULL::float8'})"
                    for i, (a, area_id, lat, lon) in enumerate(places)
                )
            }
            ),
            reporters(n, id, name, dsn) AS (
                VALUES {
                ", ".join(
                    f"({i + 1}, {r[0]}, {sql_literal(r[1])}, {sql_literal(r[2])})"
                    for i, r in enumerate(reporter_rows)
                )
            }
            ),
            g AS (
                SELECT
                    current_date - (random() * %(span)s)::int AS d,
                    1 + floor(random() * {len(stories)})::int AS story,
                    1 + floor(random() * {len(reporter_rows)})::int AS reporter,
                    random() AS r_status,
                    random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                    random() AS r5, random() AS r6
                FROM generate_series(1, %(count)s)
            ),
            numbered AS (
                SELECT g.*, extract(year FROM g.d)::int AS yr,
                       row_number() OVER (PARTITION BY extract(year FROM g.d) ORDER BY g.d) AS seq,
                       {_status_case()} AS status
                FROM g
            )
            INSERT INTO concerns_concern (
                reference, date_received, source_type, source_name, source_contact,
                contact_email, consent_to_contact, language, category, nature, area,
                summary, description, suggestions, reported_by_id, reporter_name, reporter_dsn,
                priority, assignee_id, status, resolved_at, intake_token, created_at,
                updated_at, public_note, defined_area_id, latitude, longitude, location_source
            )
            SELECT
                'CR-' || n.yr || '-' || lpad(
                    (COALESCE(rc.last, 0) + n.seq)::text,
                    greatest(4, length((COALESCE(rc.last, 0) + n.seq)::text)),
                    '0'
                ),
                n.d,
                ({sql_array(Concern.SourceType.values)})[1 + floor(n.r1 * {
                len(Concern.SourceType.values)
            })::int],
                '', '', '', false, 'en',
                s.category,
                ({sql_array(Concern.Nature.values)})[1 + floor(n.r2 * 3)::int],
                p.area,
                s.summary, s.description, s.suggestions,
                r.id, r.name, r.dsn,
                CASE WHEN n.r4 < 0.05 THEN 'high' ELSE 'normal' END,
                NULL,
                CASE WHEN n.status = 'resolved' AND n.d > current_date - 60 THEN 'in_progress'
                     ELSE n.status END,
                CASE WHEN n.status = 'resolved' AND n.d <= current_date - 60
                     THEN n.d + make_interval(days => 1 + floor(n.r4 * 40)::int, hours => 10)
                     END,
                NULL,
                n.d + make_interval(hours => 8 + floor(n.r1 * 12)::int),
                n.d + make_interval(hours => 8 + floor(n.r1 * 12)::int),
                '',
                p.area_id,
                CASE WHEN p.lat IS NOT NULL AND n.r5 < {WITH_POINT}
                     THEN p.lat + (n.r5 / {WITH_POINT} - 0.5) * {2 * SCATTER} END,
                CASE WHEN p.lat IS NOT NULL AND n.r5 < {WITH_POINT}
                     THEN p.lon + (n.r6 - 0.5) * {2 * SCATTER} END,
                CASE WHEN p.lat IS NOT NULL AND n.r5 < {WITH_POINT} THEN 'map' ELSE '' END
            FROM numbered n
            JOIN places p ON p.n = 1 + floor(n.r3 * {len(places)})::int
            JOIN stories s ON s.n = n.story
            JOIN reporters r ON r.n = n.reporter
            LEFT JOIN concerns_referencecounter rc ON rc.year = n.yr
            """,  # noqa: S608
            {"count": count, "span": 365 * years},
        )
        log(f"  {count:,} concerns inserted in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        cursor.execute(
            "INSERT INTO concerns_concernupdate (concern_id, kind, author_id, text, created_at) "
            "SELECT id, 'received', reported_by_id, 'Logged by ' || reporter_name || '.', "
            "created_at FROM concerns_concern WHERE id > %s "
            "UNION ALL "
            "SELECT id, 'resolved', reported_by_id, 'Resolved.', resolved_at "
            "FROM concerns_concern WHERE id > %s AND status = 'resolved'",
            [start_id, start_id],
        )
        cursor.execute(
            "SELECT extract(year FROM date_received)::int, "
            "       max(split_part(reference, '-', 3)::int) "
            "FROM concerns_concern WHERE id > %s GROUP BY 1",
            [start_id],
        )
        references.keep_ahead(dict(cursor.fetchall()))
        log(f"  timeline lines and counters in {time.monotonic() - started:.1f} s")
        rebuild_indexes(cursor, dropped, fk_checks_skipped=fk_checks_skipped, log=log)
    # Outside the transaction: fresh statistics and visibility map now, rather than an
    # autovacuum that changes plans halfway through whatever runs next.
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) concerns_concern, concerns_concernupdate")
    return count
