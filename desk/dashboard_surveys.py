"""The dashboard's community survey: the trust and overall-performance indexes over the
years, and how the latest survey's answers to those two rating questions spread from 1 to 5.
Three queries besides the trend's (surveys/results.py), each over a few rows per question (the
tallies of surveys/tallies.py), kept with the dashboard's slow figures."""

from django.db.models import Exists, OuterRef, Sum

from surveys import scales
from surveys.models import AnswerTally, Dimension, Question, Response, Survey
from surveys.results import SMALL, trend

SHOWN = (Dimension.TRUST, Dimension.OVERALL)


def surveys() -> dict:
    """The latest approved or closed community survey with responses, its indexes by year
    and the spread of its trust and overall ratings (hidden below SMALL answers)."""
    latest = (
        Survey.objects.filter(
            audience=Survey.Audience.COMMUNITY,
            status__in=[Survey.Status.APPROVED, Survey.Status.CLOSED],
        )
        .filter(Exists(Response.objects.filter(survey=OuterRef("pk"))))
        .order_by("-closes_on")
        .first()
    )
    rows = trend(latest) if latest else []
    return {
        "years": [str(r["year"]) for r in rows],
        "trust": [r["indexes"].get("trust") for r in rows],
        "overall": [r["indexes"].get("overall") for r in rows],
        "survey": latest,
        "ratings": ratings(latest) if latest else [],
    }


def ratings(survey: Survey) -> list[dict]:
    """The survey's trust and overall rating questions: [{"text", "n", "distribution":
    [[label, count, percent], ...], "scale": [what 1 means, what 5 means], "legend"}],
    overall first; each on the scale residents were shown for it (surveys.scales: trust
    runs "not at all" to "completely"); a question with fewer than SMALL answers is left
    out, as on the results page."""
    counts: dict[int, dict[int, int]] = {}
    texts: dict[int, tuple[int, str, dict]] = {}
    for qid, dimension, text, code, scale in Question.objects.filter(
        survey=survey, kind=Question.Kind.RATING, dimension__in=SHOWN
    ).values_list("id", "dimension", "text", "code", "scale"):
        counts[qid] = {}
        texts[qid] = (SHOWN.index(dimension), text, {"code": code, "scale": scale})
    # The answers by value, from the tally the database keeps (surveys/tallies.py).
    for qid, value, n in (
        AnswerTally.objects.filter(question_id__in=list(counts))
        .values_list("question_id", "value")
        .annotate(total=Sum("n"))
        .order_by()
    ):
        if n:
            counts[qid][value] = n
    out = []
    for qid in sorted(counts, key=lambda q: texts[q][:2]):
        total = sum(counts[qid].values())
        if total < SMALL:
            continue
        distribution = []
        for value in range(1, 6):
            n = counts[qid].get(value, 0)
            distribution.append([str(value), n, round(100 * n / total)])
        scale = scales.scale_for(texts[qid][2])
        out.append(
            {
                "text": texts[qid][1],
                "n": total,
                "distribution": distribution,
                # Plain strings: the dashboard's figures are cached.
                "scale": [str(scale.low), str(scale.high)],
                "legend": str(scale.legend),
            }
        )
    return out
