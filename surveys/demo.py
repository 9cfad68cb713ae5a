"""Fictional demo surveys: last year's community survey (closed), this year's (open, several
hundred responses across channels and both languages: web, social media, forum sheets, and
paper typed in by batch from the water bill and a forum), a department-member survey with
invitation codes DEMO-0001 to DEMO-0060 (the first 40 used), and an outside agencies'
survey with eight agency heads invited (six answered; the link /surveys/answer/demo-agency-8/
is still unused). Only for `seed_demo`."""

import datetime as dt
import random
import uuid

from django.utils import timezone

from accounts.models import User
from surveys import services
from surveys.channels import link_hash
from surveys.models import (
    AgencyType,
    Answer,
    ForumLink,
    Invitation,
    PaperBatch,
    Question,
    Response,
    SocialLink,
    Survey,
)

COMMENTS = [
    "More patrols on Elm Street at night, please.",
    "Officers at the Maple Heights forum were very patient with our questions.",
    "Speeding near Lincoln Elementary every morning.",
    "I would like to see officers walking downtown, not only driving.",
    "Más presencia de agentes en el parque por las tardes.",
    "Gracias por la reunión en español, fue muy útil.",
    "Street lights are out on the Willow Creek trail.",
    "Keep the Coffee with the Chief meetings going.",
    "Respond faster to noise complaints on weekends.",
    "Los vecinos tienen miedo de llamar; necesitamos más confianza.",
]


def _rating(rng, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.95))))


def _answers(rng, questions, mean: float, language: str) -> dict:
    answers = {}
    for q in questions:
        if not q.required and rng.random() < 0.35:
            continue
        if q.kind == Question.Kind.RATING:
            shift = -0.3 if q.dimension == "trust" else 0.0
            answers[q.pk] = [_rating(rng, mean + shift)]
        elif q.kind == Question.Kind.YES_NO:
            answers[q.pk] = [1 if rng.random() < mean / 5.2 else 2]
        elif q.kind == Question.Kind.SINGLE:
            answers[q.pk] = [rng.randint(1, len(q.options()))]
        elif q.kind == Question.Kind.MULTIPLE:
            answers[q.pk] = sorted(rng.sample(range(1, len(q.options()) + 1), rng.randint(1, 3)))
        elif rng.random() < 0.3:
            pool = [c for c in COMMENTS if (language == "es") == (c[:1] in "MGL")] or COMMENTS
            answers[q.pk] = rng.choice(pool)
    return answers


def _responses(
    survey, questions, *, count, mean, rng, start, end, forums=(), batches=(), social=False
) -> int:
    """Bulk-load anonymous responses spread over the days the survey was open. Paper forms
    go to the batches given (the first, the water bill's, gets three in four)."""
    responses, rows = [], []
    days = max((end - start).days, 1)
    for _ in range(count):
        roll = rng.random()
        forum = rng.choice(forums) if forums and roll < 0.3 else None
        channel = (
            Response.Channel.FORUM
            if forum
            else Response.Channel.PAPER
            if roll < 0.5 and survey.audience == "community"
            else Response.Channel.SOCIAL
            if social and roll < 0.57
            else Response.Channel.WEB
        )
        batch = None
        if channel == Response.Channel.PAPER and batches:
            batch = batches[0] if rng.random() < 0.75 else rng.choice(batches[1:] or batches)
        language = "es" if rng.random() < 0.28 else "en"
        responses.append(
            Response(
                survey=survey,
                channel=channel,
                forum=forum,
                batch=batch,
                language=language,
                submitted_on=start + dt.timedelta(days=rng.randint(0, days)),
                token=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    Response.objects.bulk_create(responses)
    for response in responses:
        for qid, value in _answers(rng, questions, mean, response.language).items():
            if isinstance(value, str):
                rows.append(Answer(response=response, question_id=qid, text=value))
            else:
                rows.extend(Answer(response=response, question_id=qid, value=v) for v in value)
    Answer.objects.bulk_create(rows, batch_size=2000)
    return count


def _approved(survey, chief, when) -> None:
    Survey.objects.filter(pk=survey.pk).update(
        status=Survey.Status.APPROVED,
        submitted_at=when - dt.timedelta(days=2),
        decided_by=chief,
        decided_at=when,
    )
    survey.refresh_from_db()


def seed(stdout=None) -> dict:
    if Survey.objects.exists():
        return {"surveys": 0}
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    cro, chief = users["cro"], users["chief"]
    rng = random.Random(300_5)  # nosec B311
    today = timezone.localdate()
    this_year, last_year = today.year, today.year - 1
    aware = timezone.make_aware
    made = 0

    def community(year: int) -> Survey:
        return services.create_survey(
            by=cro,
            data={
                "title": f"Community survey {year}",
                "title_es": f"Encuesta comunitaria {year}",
                "audience": Survey.Audience.COMMUNITY,
                "opens_on": dt.date(year, 9, 1),
                "closes_on": dt.date(year, 12, 15),
                "intro": "Tell your police department how it is doing. About five minutes; "
                "your answers are anonymous.",
                "intro_es": "Díganos cómo lo está haciendo su departamento de policía. Unos "
                "cinco minutos; sus respuestas son anónimas.",
            },
        )

    # Last year's, closed, with its forums.
    old = community(last_year)
    _approved(old, chief, aware(dt.datetime(last_year, 8, 25, 10)))
    old_forums = [
        ForumLink.objects.create(survey=old, name=name, held_on=dt.date(last_year, month, day))
        for name, month, day in (
            ("Maple Heights community forum", 9, 18),
            ("Riverside Park town hall", 10, 23),
        )
    ]
    _responses(
        old,
        list(old.questions.all()),
        count=340,
        mean=3.4,
        rng=rng,
        start=old.opens_on,
        end=old.closes_on,
        forums=old_forums,
    )
    Survey.objects.filter(pk=old.pk).update(
        status=Survey.Status.CLOSED, closed_at=aware(dt.datetime(last_year, 12, 16, 9))
    )
    old.refresh_from_db()
    services.record_action(
        survey=old,
        by=chief,
        data={
            "text": "Hold a Spanish-language community meeting every quarter.",
            "responsible": "Community Relations Unit",
            "due_on": dt.date(this_year, 3, 31),
        },
    )
    services.record_action(
        survey=old,
        by=chief,
        data={"text": "Add walking patrols downtown on Friday and Saturday evenings."},
    )
    old.actions.filter(responsible="").update(done_on=dt.date(this_year, 4, 15))
    made += 1

    # This year's, open now.
    current = community(this_year)
    _approved(current, chief, aware(dt.datetime(this_year, 8, 28, 15)))
    forums = [
        ForumLink.objects.create(survey=current, name=name, held_on=dt.date(this_year, month, day))
        for name, month, day in (
            ("Old Mill District forum", 9, 17),
            ("Coffee with the Chief, Westgate", 10, 15),
        )
    ]
    # 004 §2: the water bill's forms and a forum's paper forms typed in as their own
    # batches, and the link posted on the department's social media.
    batches = [
        PaperBatch.objects.create(
            survey=current,
            label=label,
            source=source,
            received_on=min(dt.date(this_year, month, day), today),
            created_by=cro,
        )
        for label, source, month, day in (
            (f"Water bill, October {this_year}", PaperBatch.Source.WATER_BILL, 10, 28),
            ("Old Mill District forum, paper forms", PaperBatch.Source.FORUM, 9, 18),
        )
    ]
    SocialLink.objects.create(survey=current, name="Facebook and Instagram post, September")
    _responses(
        current,
        list(current.questions.all()),
        count=420,
        mean=3.75,
        rng=rng,
        start=current.opens_on,
        end=min(today, current.closes_on),
        forums=forums,
        batches=batches,
        social=True,
    )
    made += 1
    _agencies(cro, chief, rng, today)
    made += 1

    # The department members' survey, with invitation codes.
    department = services.create_survey(
        by=cro,
        data={
            "title": f"Department members' survey {this_year}",
            "title_es": f"Encuesta a los miembros del departamento {this_year}",
            "audience": Survey.Audience.DEPARTMENT,
            "opens_on": dt.date(this_year, 10, 1),
            "closes_on": dt.date(this_year, 12, 15),
            "intro": "How do you see the department's relationship with the community? "
            "Use the code on your slip; it is not stored with your answers.",
            "intro_es": "¿Cómo ve la relación del departamento con la comunidad? Use el código "
            "de su papeleta; no se guarda con sus respuestas.",
        },
    )
    _approved(department, chief, aware(dt.datetime(this_year, 9, 26, 11)))
    Invitation.objects.bulk_create(
        Invitation(
            survey=department,
            code_hash=services.hash_code(department, f"DEMO-{n:04d}"),
            used=n <= 40,
        )
        for n in range(1, 61)
    )
    _responses(
        department,
        list(department.questions.all()),
        count=40,
        mean=4.0,
        rng=rng,
        start=department.opens_on,
        end=min(today, department.closes_on),
    )
    made += 1

    # Waiting for the Chief's approval.
    agencies = services.create_survey(
        by=cro,
        data={
            "title": f"Outside agencies' survey {this_year + 1}",
            "title_es": f"Encuesta a otras agencias {this_year + 1}",
            "audience": Survey.Audience.AGENCIES,
            "opens_on": dt.date(this_year + 1, 2, 1),
            "closes_on": dt.date(this_year + 1, 3, 15),
            "intro": "For the fire department, EMS, schools and the town administration.",
            "intro_es": "Para bomberos, servicios de emergencia, escuelas y la administración.",
        },
    )
    services.submit_survey(survey=agencies, by=cro)
    made += 1
    return {"surveys": made, "responses": Response.objects.count()}


AGENCY_HEADS = [
    # (agency, kind, head, answered)
    ("Lincoln Elementary School", AgencyType.SCHOOL, "Dr. Maria Okafor", True),
    ("Westgate Middle School", AgencyType.SCHOOL, "James Whitfield", True),
    ("Riverside High School", AgencyType.SCHOOL, "Ana Lucía Herrera", True),
    ("Town Fire Department", AgencyType.FIRE, "Chief Robert Dunn", True),
    ("Department of Public Works", AgencyType.PUBLIC_WORKS, "Karen Liu", True),
    ("County Sheriff's Office", AgencyType.LAW, "Sheriff Thomas Reyes", True),
    ("Family Crisis Center", AgencyType.SOCIAL, "Denise Carter", False),
    ("Downtown Business Association", AgencyType.BUSINESS, "Paul Novak", False),
]


def _agencies(cro, chief, rng, today) -> Survey:
    """This year's outside agencies' survey (001 IV.D.3), open now, answered only through
    the invitations; the links were "emailed" (no message is queued for demo addresses)."""
    survey = services.create_survey(
        by=cro,
        data={
            "title": f"Outside agencies' view of our personnel {today.year}",
            "title_es": f"La opinión de otras agencias sobre nuestro personal {today.year}",
            "audience": Survey.Audience.AGENCIES,
            "opens_on": today - dt.timedelta(days=30),
            "closes_on": today + dt.timedelta(days=30),
            "intro": "You work closely with our officers. Tell us how they perform.",
            "intro_es": "Usted trabaja de cerca con nuestros agentes. Díganos cómo se desempeñan.",
        },
    )
    _approved(survey, chief, timezone.now() - dt.timedelta(days=32))
    questions = list(survey.questions.all())
    sent = timezone.now() - dt.timedelta(days=29)
    for n, (name, kind, head, answered) in enumerate(AGENCY_HEADS, 1):
        slug = "".join(c for c in head.lower() if c.isalpha() or c == " ").split()[-1]
        invitation = Invitation.objects.create(
            survey=survey,
            code_hash=link_hash(f"demo-agency-{n}"),
            agency_name=name,
            agency_type=kind,
            head_name=head,
            head_email=f"{slug}@example.org",
            language="es" if n == 3 else "en",
            sent_at=sent,
        )
        if answered:
            response = Response.objects.create(
                survey=survey,
                channel=Response.Channel.AGENCY,
                agency_name=name,
                agency_type=kind,
                language=invitation.language,
                submitted_on=today - dt.timedelta(days=rng.randint(1, 25)),
                token=uuid.UUID(int=rng.getrandbits(128)),
            )
            Answer.objects.bulk_create(
                Answer(response=response, question_id=qid, value=v)
                for qid, values in _answers(rng, questions, 4.1, "en").items()
                if not isinstance(values, str)
                for v in values
            )
            Invitation.objects.filter(pk=invitation.pk).update(used=True)
    return survey
