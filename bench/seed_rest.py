"""Fill the benchmark database with the rest of a large department's decade: members,
programs with their evaluations, and survey responses (concerns and activities come from
`manage.py seed_volume`). Run by bench/run.py with the benchmark's environment:

    DATABASE_URL=... .venv/bin/python bench/seed_rest.py --users 500 --programs 200 \
        --responses 100000

Each part tops up to the number asked, so running it again adds nothing. Rows go in with
the audit trail's triggers switched off for this connection (session_replication_role,
which needs a superuser, as the benchmark's database user is): a seeded decade is not
something anyone did.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import User  # noqa: E402
from core.roles import Role  # noqa: E402
from programs.models import Program, ProgramEvaluation  # noqa: E402
from surveys.models import Question, Response, Survey  # noqa: E402


def quiet_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def users(target: int) -> int:
    have = User.objects.filter(username__startswith="vol-").count()
    officers = Group.objects.get(name=Role.OFFICER.value)
    supervisors = Group.objects.get(name=Role.SUPERVISOR.value)
    new = [
        User(
            username=f"vol-{i:04d}",
            first_name="Member",
            last_name=f"{i:04d}",
            dsn=f"V-{i:05d}",
            rank="Officer",
            unit=["Patrol North", "Patrol South", "Traffic", "Investigations"][i % 4],
            password=make_password(None),  # unusable: these members never sign in
        )
        for i in range(have, target)
    ]
    User.objects.bulk_create(new, batch_size=1000)
    made = list(User.objects.filter(username__in=[u.username for u in new]))
    Membership = User.groups.through
    Membership.objects.bulk_create(
        Membership(user_id=u.pk, group_id=(supervisors if n % 20 == 0 else officers).pk)
        for n, u in enumerate(made)
    )
    return len(made)


def programs(target: int) -> tuple[int, int]:
    rng = random.Random(7)
    have = Program.objects.count()
    cro = User.objects.filter(groups__name=Role.CRO.value).first()
    chief = User.objects.filter(groups__name=Role.CHIEF.value).first()
    today = dt.date.today()
    new = []
    for i in range(have, target):
        since = today - dt.timedelta(days=rng.randint(400, 3650))
        new.append(
            Program(
                name=f"Neighborhood program {i:03d}",
                category=rng.choice(Program.Category.values),
                objectives="Build trust between residents and officers on one beat.",
                description="Monthly meetings, a walk, and a follow-up report.",
                schedule="Monthly",
                coordinator=cro,
                status=rng.choice(
                    [Program.Status.ACTIVE] * 6
                    + [Program.Status.SUSPENDED, Program.Status.DISCONTINUED]
                ),
                proposed_by=cro,
                approved_by=chief,
                approved_at=dt.datetime.combine(since, dt.time(12), tzinfo=dt.UTC),
                active_since=since,
            )
        )
    Program.objects.bulk_create(new)
    evaluations = []
    for program in Program.objects.filter(name__startswith="Neighborhood program "):
        if program.evaluations.exists():
            continue
        start = program.active_since or today - dt.timedelta(days=800)
        while start + dt.timedelta(days=365) < today:
            end = start + dt.timedelta(days=364)
            evaluations.append(
                ProgramEvaluation(
                    program=program,
                    period_start=start,
                    period_end=end,
                    evaluator=cro,
                    rating=rng.randint(2, 5),
                    criteria="Attendance, residents' comments, calls for service on the beat.",
                    outcomes="Steady attendance; two problems solved with residents.",
                    recommendation=rng.choice(ProgramEvaluation.Recommendation.values),
                    sessions=rng.randint(6, 24),
                    attendance=rng.randint(60, 900),
                    staff_hours=Decimal(rng.randint(20, 200)),
                    materials_cost=Decimal(rng.randint(0, 3000)),
                    status=ProgramEvaluation.Status.ACCEPTED,
                    submitted_by=cro,
                    decided_by=chief,
                    decided_at=dt.datetime.combine(end, dt.time(12), tzinfo=dt.UTC)
                    + dt.timedelta(days=30),
                )
            )
            start = end + dt.timedelta(days=1)
    ProgramEvaluation.objects.bulk_create(evaluations, batch_size=1000)
    return Program.objects.count(), ProgramEvaluation.objects.count()


def responses(target: int) -> int:
    """Web responses spread over the surveys that have opened, each answering every
    rating and yes/no question; generated inside PostgreSQL."""
    have = Response.objects.count()
    missing = target - have
    if missing <= 0:
        return have
    surveys = list(
        Survey.objects.filter(questions__kind=Question.Kind.RATING)
        .exclude(status=Survey.Status.DRAFT)
        .distinct()
        .values_list("pk", flat=True)
    )
    if not surveys:
        raise SystemExit("No survey with rating questions: run seed_demo first.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM surveys_response")
        (before,) = cursor.fetchone()
        cursor.execute(
            """
            INSERT INTO surveys_response (survey_id, channel, forum_id, language,
                                          submitted_on, token, agency_name, agency_type)
            SELECT s.id, 'web', NULL,
                   CASE WHEN random() < 0.2 THEN 'es' ELSE 'en' END,
                   s.opens_on + (random() * greatest(s.closes_on - s.opens_on, 0))::int,
                   gen_random_uuid(), '', ''
            FROM generate_series(1, %s) AS g
            JOIN surveys_survey AS s ON s.id = (%s::bigint[])[1 + g %% %s]
            """,
            [missing, surveys, len(surveys)],
        )
        cursor.execute(
            """
            INSERT INTO surveys_answer (response_id, question_id, value, text)
            SELECT r.id, q.id,
                   CASE WHEN q.kind = 'rating' THEN 1 + floor(random() * 5)::int
                        ELSE 1 + floor(random() * 2)::int END,
                   ''
            FROM surveys_response AS r
            JOIN surveys_question AS q ON q.survey_id = r.survey_id
            WHERE r.id > %s AND q.kind IN ('rating', 'yes_no')
            """,
            [before],
        )
    return Response.objects.count()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--programs", type=int, default=200)
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    quiet_triggers()
    started = time.monotonic()
    with transaction.atomic():
        made = users(args.users)
    print(f"members: +{made} ({time.monotonic() - started:.1f} s)", flush=True)
    started = time.monotonic()
    with transaction.atomic():
        count, evaluations = programs(args.programs)
    print(
        f"programs: {count}, evaluations: {evaluations} ({time.monotonic() - started:.1f} s)",
        flush=True,
    )
    started = time.monotonic()
    with transaction.atomic():
        total = responses(args.responses)
    print(f"survey responses: {total:,} ({time.monotonic() - started:.1f} s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
