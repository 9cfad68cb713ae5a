"""The words at the two ends of a 1-to-5 rating, chosen per question so the answer fits the
question asked (002 §300.5: "How much do you trust..." is answered "not at all ...
completely", not "very poor ... excellent").

A standard question names its scale in `surveys.instrument.STANDARD` ("scale"); a question
made from it stores that name (`Question.scale`), so results keep the scale their answers
were given on even if the instrument changes. Questions asked before scales existed were
shown "very poor ... excellent" and store "performance" (migration 0003). A survey's own
rating question stores none and keeps the performance scale the form has always shown,
which the CRO sees in the preview. A blank stored scale falls back to the code's.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from surveys import instrument


@dataclass(frozen=True)
class Scale:
    name: str
    legend: str | Promise  # the whole sentence shown above the answers
    low: str | Promise  # what 1 means, for a chart's label
    high: str | Promise  # what 5 means
    low_note: str | Promise  # beside the 1 bar of the results
    high_note: str | Promise  # beside the 5 bar


PERFORMANCE = "performance"
SCALES = {
    s.name: s
    for s in (
        Scale(
            PERFORMANCE,
            _("1 = very poor, 5 = excellent"),
            _("very poor"),
            _("excellent"),
            pgettext_lazy("rating scale", "(very poor)"),
            pgettext_lazy("rating scale", "(excellent)"),
        ),
        Scale(
            "trust",
            _("1 = not at all, 5 = completely"),
            _("not at all"),
            _("completely"),
            pgettext_lazy("rating scale", "(not at all)"),
            pgettext_lazy("rating scale", "(completely)"),
        ),
        Scale(
            "safety",
            _("1 = very unsafe, 5 = very safe"),
            _("very unsafe"),
            _("very safe"),
            pgettext_lazy("rating scale", "(very unsafe)"),
            pgettext_lazy("rating scale", "(very safe)"),
        ),
        # "How competent...", "How courteous...": a degree, not a grade.
        Scale(
            "extent",
            _("1 = not at all, 5 = extremely"),
            _("not at all"),
            _("extremely"),
            pgettext_lazy("rating scale", "(not at all)"),
            pgettext_lazy("rating scale", "(extremely)"),
        ),
        Scale(
            "agreement",
            _("1 = strongly disagree, 5 = strongly agree"),
            _("strongly disagree"),
            _("strongly agree"),
            pgettext_lazy("rating scale", "(strongly disagree)"),
            pgettext_lazy("rating scale", "(strongly agree)"),
        ),
        Scale(
            "frequency",
            _("1 = never, 5 = always"),
            _("never"),
            _("always"),
            pgettext_lazy("rating scale", "(never)"),
            pgettext_lazy("rating scale", "(always)"),
        ),
    )
}

# The agencies' questions (another list, kept by their own module) may name theirs too.
BY_CODE = {
    spec["code"]: spec["scale"]
    for spec in [*instrument.STANDARD, *getattr(instrument, "AGENCIES", [])]
    if "scale" in spec
}


def _field(question, key: str) -> str:
    if isinstance(question, dict):
        return question.get(key) or ""
    return getattr(question, key, "") or ""


def scale_name(question) -> str:
    """The scale of a `Question`, or of a question row of `surveys.results` (a dict)."""
    stored = _field(question, "scale")
    if stored in SCALES:
        return stored
    return BY_CODE.get(_field(question, "code"), PERFORMANCE)


def scale_for(question) -> Scale:
    return SCALES[scale_name(question)]
