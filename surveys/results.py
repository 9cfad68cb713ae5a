"""A survey's compiled results, computed in SQL (a handful of grouped queries, whatever the
number of responses), as plain JSON so a summary report can freeze them.

Scoring for the dimension indexes (0-100): a rating of 1-5 scores (rating - 1) x 25, a yes
scores 100 and a no 0; a dimension's index is the mean score of all its scored answers.
Choice and text questions describe, they do not score. Any figure resting on fewer than 5
responses is suppressed: in a small department, a handful of answers can point to a person.

Channels are counted by where a response came from (004 §2): the web link, the social-media
link, a forum's QR sheet, and paper by its batch's source (water bill, forum, other), so the
water bill and the forums' paper forms no longer share one "Paper" line.

An outside agencies' survey (001 IV.D.3) also gives each rating question's mean per kind of
agency. Those go to a handful of agency heads, so the 5-response rule would hide everything;
a mean there rests on at least 3 answers of that kind (AGENCY_SMALL), below which the page
says "fewer than 3": one or two answers of a kind would be one agency's own words, and the
agencies answer as institutions, not as private residents.
"""

from collections import defaultdict

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from surveys.models import (
    AgencyType,
    Answer,
    AnswerTally,
    Dimension,
    PaperBatch,
    Question,
    Response,
    ResponseTally,
    Survey,
)

SMALL = 5
AGENCY_SMALL = 3
C = Response.Channel
B = PaperBatch.Source
# Where responses came from, finer than the channel: (key, channel, paper source, label).
# A paper source of "" is a paper form typed in without a batch.
SOURCES = [
    ("web", C.WEB, None, _("Web link")),
    ("social", C.SOCIAL, None, _("Social media link")),
    ("forum", C.FORUM, None, _("Forum sheet (QR code)")),
    ("paper-water_bill", C.PAPER, B.WATER_BILL, _("Paper, water bill")),
    ("paper-forum", C.PAPER, B.FORUM, _("Paper, handed in at a forum")),
    ("paper-other", C.PAPER, B.OTHER, _("Paper, other source")),
    ("paper-none", C.PAPER, "", _("Paper, source not recorded")),
    ("agency", C.AGENCY, None, _("Agency invitation")),
]
SOURCE_KEYS = [key for key, *_rest in SOURCES]


def source_filter(channel: str, prefix: str = "") -> Q:
    """The responses of one source (a key of SOURCES, or a plain channel value)."""
    for key, value, paper_source, _label in SOURCES:
        if key == channel:
            q = Q(**{f"{prefix}channel": value})
            if paper_source == "":
                q &= Q(**{f"{prefix}batch__isnull": True})
            elif paper_source:
                q &= Q(**{f"{prefix}batch__source": paper_source})
            return q
    return Q(**{f"{prefix}channel": channel})


def source_options(survey: Survey) -> list[tuple[str, str]]:
    """The sources offered for a survey's breakdown (only the agencies' link for theirs)."""
    agencies = survey.invitation_only
    return [
        (key, str(label))
        for key, value, _source, label in SOURCES
        if (value == C.AGENCY) == agencies
    ]


K = Question.Kind
SHORT = {
    "overall": _("Overall"),
    "competence": _("Competence"),
    "attitude": _("Attitude"),
    "trust": _("Trust"),
    "safety": _("Safety"),
    "recommendations": _("Recommendations"),
    "other": _("Other"),
}

SCORE = Case(
    When(question__kind=K.RATING, then=(F("value") - 1) * 25),
    When(question__kind=K.YES_NO, value=1, then=Value(100)),
    When(question__kind=K.YES_NO, then=Value(0)),
    output_field=IntegerField(),
)


def _subset(survey_id: int, channel: str = "", language: str = ""):
    responses = Response.objects.filter(survey_id=survey_id)
    if channel:
        responses = responses.filter(source_filter(channel))
    if language:
        responses = responses.filter(language=language)
    return responses


def _answers(survey_id: int, channel: str = "", language: str = ""):
    answers = Answer.objects.filter(response__survey_id=survey_id)
    if channel:
        answers = answers.filter(source_filter(channel, "response__"))
    if language:
        answers = answers.filter(response__language=language)
    return answers


def score(kind: str, value: int) -> int:
    """One answer's score, as SCORE gives it in SQL (a test holds the two to each other)."""
    if kind == K.RATING:
        return (value - 1) * 25
    return 100 if value == 1 else 0


def indexes(survey_ids, *, standard_only: bool = False, channel="", language="") -> dict:
    """{survey_id: {dimension: {"index": int | None, "n": responses}}}: from the tallies
    the database keeps (surveys/tallies.py) for all responses, in one query over the
    answers for a channel's or a language's."""
    if not channel and not language:
        return _tallied_indexes(list(survey_ids), standard_only)
    answers = Answer.objects.filter(
        response__survey_id__in=list(survey_ids),
        question__kind__in=[K.RATING, K.YES_NO],
        value__isnull=False,
    )
    if standard_only:
        answers = answers.exclude(question__code="")
    if channel:
        answers = answers.filter(source_filter(channel, "response__"))
    if language:
        answers = answers.filter(response__language=language)
    rows = (
        answers.values("response__survey_id", "question__dimension")
        .annotate(
            score=Avg(SCORE, output_field=FloatField()),
            n=Count("response_id", distinct=True),
        )
        .order_by()
    )
    out: dict = defaultdict(dict)
    for r in rows:
        n = r["n"]
        out[r["response__survey_id"]][r["question__dimension"]] = {
            "index": round(r["score"]) if n >= SMALL else None,
            "n": n,
        }
    return out


def _tallied_indexes(survey_ids: list, standard_only: bool) -> dict:
    """indexes() for all responses, in two queries over a few rows per question: the scored
    questions' answers by value, and the responses per dimension."""
    tally = AnswerTally.objects.filter(
        question__survey_id__in=survey_ids, question__kind__in=[K.RATING, K.YES_NO]
    )
    if standard_only:
        tally = tally.exclude(question__code="")
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for survey_id, dimension, kind, value, n in (
        tally.values_list("question__survey_id", "question__dimension", "question__kind", "value")
        .annotate(total=Sum("n"))
        .order_by()
    ):
        totals = sums[survey_id, dimension]
        totals[0] += n * score(kind, value)
        totals[1] += n
    out: dict = defaultdict(dict)
    for survey_id, dimension, n in (
        ResponseTally.objects.filter(survey_id__in=survey_ids, standard=standard_only)
        .values_list("survey_id", "dimension")
        .annotate(total=Sum("n"))
        .order_by()
    ):
        points, answers = sums.get((survey_id, dimension), (0, 0))
        if not n or not answers:
            continue
        out[survey_id][dimension] = {
            "index": round(points / answers) if n >= SMALL else None,
            "n": n,
        }
    return out


def compile_results(survey: Survey, *, channel: str = "", language: str = "") -> dict:
    """Per-question distributions and means with n, the dimension indexes, and the counts
    by channel and language."""
    responses = _subset(survey.pk, channel, language)
    total = responses.count()
    by_source = _by_source(survey)
    by_language = dict(
        _subset(survey.pk).values_list("language").annotate(n=Count("id")).order_by()
    )
    questions = list(survey.questions.all())
    suppressed = total < SMALL
    counts: dict[int, dict] = defaultdict(dict)
    answered: dict[int, int] = {}
    if not suppressed:
        answers = _answers(survey.pk, channel, language)
        for qid, value, n in (
            answers.filter(value__isnull=False)
            .values_list("question_id", "value")
            .annotate(n=Count("id"))
            .order_by()
        ):
            counts[qid][value] = n
        answered = dict(
            answers.values_list("question_id")
            .annotate(n=Count("response_id", distinct=True))
            .order_by()
        )
    dims = indexes([survey.pk], channel=channel, language=language).get(survey.pk, {})
    rows = []
    for q in questions:
        n = answered.get(q.pk, 0)
        row = {
            "id": q.pk,
            "position": q.position,
            "text": q.text,
            "kind": q.kind,
            "kind_label": q.get_kind_display(),
            "dimension": q.dimension,
            "dimension_label": q.get_dimension_display(),
            "code": q.code,
            "scale": q.scale,
            "n": n,
            "suppressed": n < SMALL,
            "distribution": [],
            "mean": None,
        }
        if q.kind != K.TEXT and n >= SMALL:
            options = q.options()
            row["distribution"] = [
                [label, counts[q.pk].get(i, 0), round(100 * counts[q.pk].get(i, 0) / n)]
                for i, label in enumerate(options, 1)
            ]
            if q.kind == K.RATING:
                votes = sum(counts[q.pk].values())
                row["mean"] = round(sum(v * c for v, c in counts[q.pk].items()) / votes, 2)
        rows.append(row)
    return {
        "survey": survey.pk,
        "title": survey.title,
        "audience": survey.get_audience_display(),
        "opens_on": survey.opens_on.isoformat(),
        "closes_on": survey.closes_on.isoformat(),
        "responses": total,
        "suppressed": suppressed,
        # Plain text, not lazy labels: a summary report freezes this as JSON.
        "by_channel": by_source,
        "by_language": [
            [gettext("English"), by_language.get("en", 0)],
            [gettext("Spanish"), by_language.get("es", 0)],
        ],
        "questions": rows,
        "by_agency_type": agency_type_means(survey) if survey.invitation_only else None,
        "indexes": [
            {
                "dimension": value,
                "label": str(label),
                "index": dims.get(value, {}).get("index"),
                "n": dims.get(value, {}).get("n", 0),
            }
            for value, label in Dimension.choices
            if value in dims
        ],
    }


def _by_source(survey: Survey) -> list[list]:
    """[label, responses] per source, in one grouped query. A paper form without a batch
    (typed in before batches existed) shows only if there is one."""
    counts = {
        (channel, source or ""): n
        for channel, source, n in _subset(survey.pk)
        .values_list("channel", "batch__source")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = []
    options = dict(source_options(survey))
    for key, value, paper_source, label in SOURCES:
        if key not in options:
            continue
        if paper_source is None:
            n = sum(c for (channel, _s), c in counts.items() if channel == value)
        else:
            n = counts.get((value, paper_source), 0)
        if key == "paper-none" and not n:
            continue
        rows.append([str(label), n])
    return rows


def agency_type_means(survey: Survey) -> dict:
    """Each rating question's mean per kind of agency, in one grouped query (001 IV.D.3).
    A mean resting on fewer than AGENCY_SMALL answers is None ("fewer than 3")."""
    questions = [q for q in survey.questions.all() if q.kind == K.RATING]
    cells = {
        (r["response__agency_type"], r["question_id"]): r
        for r in Answer.objects.filter(
            response__survey_id=survey.pk,
            question__kind=K.RATING,
            value__isnull=False,
        )
        .values("response__agency_type", "question_id")
        .annotate(mean=Avg("value", output_field=FloatField()), n=Count("response_id"))
        .order_by()
    }
    responses = dict(
        Response.objects.filter(survey_id=survey.pk)
        .values_list("agency_type")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = []
    for value, label in AgencyType.choices:
        if not responses.get(value):
            continue
        means = []
        for q in questions:
            cell = cells.get((value, q.pk), {"mean": None, "n": 0})
            enough = cell["n"] >= AGENCY_SMALL
            means.append({"mean": round(cell["mean"], 2) if enough else None, "n": cell["n"]})
        rows.append(
            {"type": value, "label": str(label), "responses": responses[value], "means": means}
        )
    return {
        "threshold": AGENCY_SMALL,
        "questions": [{"id": q.pk, "position": q.position, "text": q.text} for q in questions],
        "rows": rows,
    }


def comparison(survey: Survey) -> dict | None:
    """The community's and the department's indexes side by side, for the survey's year:
    this survey against the latest approved or closed survey of the other audience."""
    other_audience = {
        Survey.Audience.COMMUNITY: Survey.Audience.DEPARTMENT,
        Survey.Audience.DEPARTMENT: Survey.Audience.COMMUNITY,
    }.get(survey.audience)
    if not other_audience:
        return None
    other = (
        Survey.objects.filter(
            audience=other_audience,
            closes_on__year=survey.year,
            status__in=[Survey.Status.APPROVED, Survey.Status.CLOSED],
        )
        .order_by("-closes_on")
        .first()
    )
    if other is None:
        return None
    found = indexes([survey.pk, other.pk])
    community, department = (
        (survey, other) if survey.audience == Survey.Audience.COMMUNITY else (other, survey)
    )
    rows = []
    for value, label in Dimension.choices:
        c = found.get(community.pk, {}).get(value)
        d = found.get(department.pk, {}).get(value)
        if c or d:
            rows.append(
                {
                    "label": str(label),
                    "community": c["index"] if c else None,
                    "department": d["index"] if d else None,
                }
            )
    return {"community": community.title, "department": department.title, "rows": rows}


def trend(survey: Survey, *, years: int = 6) -> list[dict]:
    """Each year's indexes for the survey's audience, on the standard questions only, so
    that the years compare like with like; the latest survey of each year counts."""
    candidates = (
        Survey.objects.filter(
            audience=survey.audience,
            status__in=[Survey.Status.APPROVED, Survey.Status.CLOSED],
            closes_on__year__lte=survey.year,
        )
        .filter(Q(Exists(Response.objects.filter(survey=OuterRef("pk")))) | Q(pk=survey.pk))
        .order_by("-closes_on")
        .values("pk", "closes_on")
    )
    per_year: dict[int, int] = {}
    for row in candidates:
        year = row["closes_on"].year
        if year not in per_year and len(per_year) < years:
            per_year[year] = row["pk"]
    found = indexes(per_year.values(), standard_only=True)
    out = []
    for year in sorted(per_year):
        dims = found.get(per_year[year], {})
        out.append(
            {
                "year": year,
                "indexes": {value: dims.get(value, {}).get("index") for value in Dimension.values},
            }
        )
    return out


def comments(survey: Survey):
    """The free-text answers, newest response first, with their question."""
    return (
        Answer.objects.filter(response__survey=survey, question__kind=K.TEXT)
        .exclude(text="")
        .select_related("question", "response")
        .order_by("-response_id", "question__position")
    )


def summary(survey: Survey) -> dict:
    """Everything the written summary to the Chief shows, as JSON to freeze (002 300.5)."""
    data = compile_results(survey)
    data["comparison"] = comparison(survey)
    data["trend"] = trend(survey)
    data["trend_dimensions"] = [
        [value, str(SHORT[value])]
        for value in Dimension.values
        if any(year["indexes"].get(value) is not None for year in data["trend"])
    ]
    rows = (
        []
        if data["suppressed"]
        else comments(survey).values_list("question__position", "text")[:200]
    )
    data["comments"] = [{"question": position, "text": text} for position, text in rows]
    data["comments_total"] = (
        comments(survey).count() if len(data["comments"]) == 200 else len(data["comments"])
    )
    return data
