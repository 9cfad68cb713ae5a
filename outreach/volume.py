"""Bulk outreach activities for benchmarks: a large department's decade, made in PostgreSQL.

Like concerns.volume: one INSERT ... SELECT from generate_series() writes every row, so
300,000 activities take seconds rather than the hour the ORM would. Kinds follow how a busy
unit spends its time (many foot patrols and posts, a few forums and academies), each with
its own range of attendance and staff hours; meetings with organizations name one of the
community organizations, and a registry of about 2,000 organizations is filled up first
when it is smaller. Programs and the officers who took part stay empty. For large batches
the secondary indexes are dropped first and rebuilt after.
"""

import time

from django.db import connection, transaction
from django.utils import timezone

from core.bulk import (
    drop_indexes,
    rebuild_indexes,
    skip_foreign_key_checks,
    sql_array,
    sql_literal,
)
from outreach.demo import AREAS
from outreach.models import CommunityOrganization, OutreachActivity

A = OutreachActivity.Kind
K = CommunityOrganization.Kind

# kind: (weight, title, attendance min/max, staff hours min/max, share with an organization)
KINDS = {
    A.FOOT_PATROL: (20, "Foot patrol", (0, 30), (1.0, 4.0), 0.1),
    A.SOCIAL_MEDIA: (14, "Safety tips posted on social media", (0, 0), (0.5, 1.0), 0.0),
    A.ORGANIZATION_MEETING: (10, "Monthly meeting", (5, 60), (1.0, 3.0), 1.0),
    A.SCHOOL_VISIT: (8, "School visit", (10, 120), (1.0, 3.0), 0.6),
    A.SECURITY_INSPECTION: (6, "Home security inspection", (1, 4), (1.0, 2.0), 0.2),
    A.WEEKLY_INCIDENT_REPORT: (5, "Weekly police incident report", (0, 0), (1.0, 2.0), 0.0),
    A.SAFETY_PRESENTATION: (5, "Workplace safety presentation", (8, 80), (1.0, 3.0), 0.8),
    A.SAFETY_CLASS: (4, "Bicycle safety class", (6, 40), (2.0, 4.0), 0.5),
    A.MEDIA_CONTACT: (4, "Interview with the local paper", (0, 0), (0.5, 1.5), 0.0),
    A.PUBLICATION: (4, "Article in the City newsletter", (0, 0), (1.0, 3.0), 0.0),
    A.CITY_COLLABORATION: (3, "Joint walk-through with Public Works", (2, 12), (1.0, 4.0), 0.0),
    A.CIVIC_RELIGIOUS: (3, "Community festival", (30, 400), (2.0, 8.0), 0.7),
    A.AGENCY_COLLABORATION: (2, "Joint operation with the county sheriff", (0, 20), (2.0, 8.0), 0),
    A.FORUM: (2, "Community forum", (20, 150), (2.0, 6.0), 0.3),
    A.COFFEE_WITH_CHIEF: (2, "Coffee with the Chief", (8, 40), (1.0, 2.0), 0.3),
    A.ADVISORY_MEETING: (2, "Community advisory committee meeting", (6, 20), (1.5, 3.0), 1.0),
    A.COUNCIL_MEETING: (2, "Police Commission meeting", (10, 80), (1.5, 4.0), 0.0),
    A.OPEN_HOUSE: (1, "Police headquarters open house", (50, 500), (4.0, 16.0), 0.0),
    A.CITIZENS_ACADEMY: (1, "Citizen's Academy session", (10, 30), (3.0, 6.0), 0.0),
    A.IMMIGRATION_OUTREACH: (1, "Outreach on U visas and victims' rights", (3, 25), (1.0, 3.0), 1),
    A.OTHER: (1, "Community clean-up", (5, 60), (2.0, 5.0), 0.4),
}

SUMMARIES = [
    "Answered questions and collected concerns from residents.",
    "Talked through recent incidents in the area and how to report them.",
    "Handed out safety leaflets; two residents asked for a follow-up visit.",
    "Short visit; no concerns raised.",
    "Residents asked about traffic near the school and parking at night.",
]

# How organizations are named in the filled-up registry, by kind.
ORGANIZATION_NOUNS = {
    K.NEIGHBORHOOD_WATCH: "Neighborhood Watch",
    K.BUSINESS_WATCH: "Business Watch",
    K.CIVIC: "Residents Association",
    K.FAITH: "Congregation",
    K.SCHOOL: "School",
    K.BUSINESS_ASSOCIATION: "Merchants Association",
    K.SOCIAL_SERVICE: "Family Services",
    K.FAMILY_VIOLENCE: "Family Violence Center",
    K.SEXUAL_ASSAULT: "Sexual Assault Program",
    K.ADVISORY_COMMITTEE: "Advisory Committee",
    K.OTHER: "Friends Group",
}

REBUILD_ABOVE = 50_000


def ensure_organizations(*, at_least: int, liaisons: list, log=print) -> int:
    """Fill the organization registry up to `at_least` entries; one in twelve inactive.
    Returns the number added."""
    missing = at_least - CommunityOrganization.objects.count()
    if missing <= 0:
        return 0
    kinds = list(ORGANIZATION_NOUNS)
    liaison_ids = [u.pk for u in liaisons] or [None]
    with connection.cursor() as cursor:
        # Every value interpolated here is a code constant or quoted by sql_literal().
        cursor.execute(
            f"""
            INSERT INTO outreach_communityorganization (
                name, kind, contact_name, contact_phone, contact_email, area,
                helped_establish, is_active, notes, created_at, liaison_officer_id
            )
            SELECT
                ({sql_array(AREAS)})[1 + i %% {len(AREAS)}] || ' '
                    || ({sql_array(ORGANIZATION_NOUNS.values())})[1 + (i / {len(AREAS)}) %% {
                len(kinds)
            }]
                    || ' ' || i,
                ({sql_array(kinds)})[1 + (i / {len(AREAS)}) %% {len(kinds)}],
                '', '(555) 010-' || lpad((i %% 10000)::text, 4, '0'), '',
                ({sql_array(AREAS)})[1 + i %% {len(AREAS)}],
                i %% 9 = 0, i %% 12 <> 0, '',
                now() - make_interval(days => (i %% 3650)::int),
                ({"ARRAY[" + ", ".join(str(p or "NULL") for p in liaison_ids) + "]::bigint[]"})[
                    1 + i %% {len(liaison_ids)}]
            FROM generate_series(
                (SELECT COALESCE(MAX(id), 0) + 1 FROM outreach_communityorganization),
                (SELECT COALESCE(MAX(id), 0) FROM outreach_communityorganization) + %s
            ) AS i
            ON CONFLICT (name) DO NOTHING
            """,  # noqa: S608
            [missing],
        )
        added = cursor.rowcount
    log(f"  {added:,} community organizations added")
    return added


def _kind_rows() -> str:
    return ", ".join(
        f"({n}, {sql_literal(kind)}, {sql_literal(title)}, "
        f"{a_lo}, {a_hi}, {h_lo}, {h_hi}, {float(share)})"
        for n, (kind, (_, title, (a_lo, a_hi), (h_lo, h_hi), share)) in enumerate(
            KINDS.items(), start=1
        )
    )


def _kind_edges() -> str:
    """The lower edge of each kind's share of [0, 1), for width_bucket()."""
    total = sum(spec[0] for spec in KINDS.values())
    edges, edge = [], 0.0
    for weight, *_ in KINDS.values():
        edges.append(f"{edge:.6f}")
        edge += weight / total
    return f"ARRAY[{', '.join(edges)}]::float8[]"


def seed_activities(
    *,
    count: int,
    loggers: list,
    years: int = 10,
    organizations: int = 2000,
    seed: int = 1,
    log=print,
) -> int:
    """Insert `count` outreach activities spread over the last `years` years, after filling
    the organization registry up to `organizations`. Returns the number made."""
    if not loggers:
        raise ValueError("Activities need department members to have logged them.")
    ensure_organizations(at_least=organizations, liaisons=loggers[:50], log=log)
    logger_ids = ", ".join(f"({i + 1}, {u.pk})" for i, u in enumerate(loggers))
    rebuild = count > REBUILD_ABOVE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        fk_checks_skipped = skip_foreign_key_checks(cursor)
        dropped = drop_indexes(cursor, ["outreach_outreachactivity"]) if rebuild else []
        started = time.monotonic()
        # Every value interpolated here is a code constant, a primary key or quoted by
        # sql_literal().
        cursor.execute(
            f"""
            WITH kinds(n, kind, title, a_lo, a_hi, h_lo, h_hi, share) AS (
                VALUES {_kind_rows()}
            ),
            loggers(n, id) AS (VALUES {logger_ids}),
            orgs AS (
                SELECT row_number() OVER (ORDER BY id) AS n, id, name, area
                FROM outreach_communityorganization
            ),
            g AS (
                SELECT
                    %(today)s::date - (random() * %(span)s)::int AS d,
                    width_bucket(random(), {_kind_edges()}) AS kind_n,
                    1 + floor(random() * {len(loggers)})::int AS logger_n,
                    random() AS r_org, random() AS r_pick, random() AS r_att,
                    random() AS r_hours, random() AS r_cost, random() AS r_text,
                    random() AS r_area
                FROM generate_series(1, %(count)s)
            )
            INSERT INTO outreach_outreachactivity (
                kind, date, title, area, attendance, staff_hours, materials_cost, summary,
                link, dispatch_notified_start, dispatch_notified_end, waivers_required,
                background_check_required, created_at, updated_at, logged_by_id,
                organization_id, program_id, status, supervisor_notified, notice_note
            )
            SELECT
                k.kind,
                g.d,
                left(k.title || COALESCE(' with ' || o.name, ''), 160),
                COALESCE(o.area, ({sql_array(AREAS)})[1 + floor(g.r_area * {len(AREAS)})::int]),
                k.a_lo + floor(g.r_att * (k.a_hi - k.a_lo + 1))::int,
                round((k.h_lo + g.r_hours * (k.h_hi - k.h_lo)) * 2) / 2,
                CASE WHEN g.r_cost < 0.7 THEN 0
                     ELSE (ARRAY[25, 40, 60, 120])[1 + floor(g.r_cost * 40)::int %% 4] END,
                ({sql_array(SUMMARIES)})[1 + floor(g.r_text * {len(SUMMARIES)})::int],
                CASE WHEN k.kind = {sql_literal(A.PUBLICATION)}
                     THEN 'https://riverbend.example/news/' || to_char(g.d, 'YYYY-MM-DD')
                     ELSE '' END,
                k.kind = {sql_literal(A.FOOT_PATROL)},
                k.kind = {sql_literal(A.FOOT_PATROL)},
                k.kind IN ({sql_literal(A.SAFETY_CLASS)}, {sql_literal(A.CITIZENS_ACADEMY)}),
                k.kind = {sql_literal(A.CITIZENS_ACADEMY)},
                g.d + make_interval(hours => 8 + floor(g.r_text * 12)::int),
                g.d + make_interval(hours => 8 + floor(g.r_text * 12)::int),
                l.id,
                o.id,
                NULL,
                {sql_literal(OutreachActivity.Status.HELD)},
                k.kind = {sql_literal(A.FOOT_PATROL)},
                ''
            FROM g
            JOIN kinds k ON k.n = g.kind_n
            JOIN loggers l ON l.n = g.logger_n
            LEFT JOIN orgs o
                ON g.r_org < k.share
               AND o.n = 1 + floor(g.r_pick * (SELECT count(*) FROM orgs))::int
            """,  # noqa: S608
            {"count": count, "span": 365 * years, "today": timezone.localdate()},
        )
        log(f"  {count:,} activities inserted in {time.monotonic() - started:.1f} s")
        rebuild_indexes(cursor, dropped, fk_checks_skipped=fk_checks_skipped, log=log)
    # Outside the transaction: fresh statistics before whatever runs next.
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "VACUUM (ANALYZE) outreach_outreachactivity, outreach_communityorganization"
            )
    return count
