"""The figures and lists of each report, computed in SQL from concerns, outreach and
programs. The result is plain JSON (dates as ISO strings, money as strings) so that it
can be frozen on the report at submission. Query counts do not grow with rows: every
section is one aggregate or one `values()` list.

Source names and contacts never appear in any report.

One module per report kind computes its figures; this one holds what is common to every
kind: which builder makes which kind, the narrative boxes the CRO writes, and the listings
long enough to be given as CSV files.
"""

import datetime as dt

from django.db import connections, router, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns.models import Concern
from reports.builders._listings import LISTING_LIMIT, LONG, Listing, listed, settle
from reports.builders.annual import _recommendations_section, annual
from reports.builders.monthly import monthly
from reports.builders.quarterly import quarterly
from reports.builders.semi_annual import semi_annual
from reports.builders.transparency import suppress, transparency
from reports.models import Report, ReportListing
from surveys.results import summary

__all__ = [
    "BUILDERS",
    "LISTING_LIMIT",
    "LISTINGS",
    "NARRATIVES",
    # Re-exported for the tests, which check the annual report's recommendations alone.
    "_recommendations_section",
    "annual",
    "build",
    "build_for",
    "listed",
    "listing_lines",
    "monthly",
    "narrative_fields",
    "quarterly",
    "semi_annual",
    "suppress",
    "transparency",
]


_CONCERN_COLUMNS = (
    ("reference", _("Reference")),
    ("date", _("Received")),
    ("summary", _("What it is about")),
    ("category", _("Category")),
    ("nature", _("Nature")),
    ("area", _("Area")),
    ("status", _("Status")),
)
# Each report kind's listings (keys of its data), with their names and CSV columns.
_RECOMMENDATIONS = (
    _("Recommended actions"),
    (
        ("reference", _("Concern")),
        ("summary", _("What it is about")),
        ("category", _("Category")),
        ("received", _("Received")),
        ("date", _("Recommended on")),
        ("text", _("Recommended action")),
    ),
)
LISTINGS = {
    "monthly": {
        "concerns": (_("The concerns"), _CONCERN_COLUMNS),
        "potential_problems": (_("Potential problems"), _CONCERN_COLUMNS),
        "recommendations": _RECOMMENDATIONS,
    },
    "quarterly": {
        "current_concerns": (_("Current concerns"), _CONCERN_COLUMNS),
        "potential_problems": (_("Potential problems"), _CONCERN_COLUMNS),
        "recommendations": _RECOMMENDATIONS,
        "progress": (
            _("Progress on earlier concerns"),
            (
                ("reference", _("Concern")),
                ("summary", _("What it is about")),
                ("category", _("Category")),
                ("received", _("Received")),
                ("waited_days", _("Days waiting")),
                ("steps", _("Steps this quarter")),
                ("what", _("What was done this quarter")),
                ("resolved_this_quarter", _("Resolved this quarter")),
                ("open_at_end", _("Open at the quarter's end")),
            ),
        ),
    },
}


BUILDERS = {
    Report.Kind.MONTHLY: monthly,
    Report.Kind.QUARTERLY: quarterly,
    Report.Kind.SEMI_ANNUAL: semi_annual,
    Report.Kind.ANNUAL: annual,
    Report.Kind.TRANSPARENCY: transparency,
}


# The narrative boxes of each kind: (key, heading). The CRO writes these; nothing else.
NARRATIVES = {
    # 003 1.a.8 a-c, each with its own box, after a summary for the Chief.
    Report.Kind.MONTHLY: [
        ("summary", _("Summary for the Chief")),
        ("current", _("a. Current concerns voiced by the community")),
        ("potential", _("b. Potential problems bearing on law enforcement")),
        ("recommended", _("c. Recommended actions for previously identified concerns")),
    ],
    Report.Kind.QUARTERLY: [
        ("current", _("1. Current concerns voiced by the community")),
        ("potential", _("2. Potential problems bearing on law enforcement")),
        ("recommended", _("3. Recommended actions for previously identified concerns")),
        ("progress", _("4. Progress toward correcting previously identified concerns")),
        ("activities", _("5. Summary of monthly activities")),
    ],
    Report.Kind.SEMI_ANNUAL: [("summary", _("Overall assessment of the programs"))],
    Report.Kind.ANNUAL: [
        ("trends", _("Trends against the previous year")),
        ("problems", _("Problems")),
        ("successes", _("Successes")),
    ],
    Report.Kind.TRANSPARENCY: [
        ("introduction", _("About this report (shown to the public)")),
        ("introduction_es", _("About this report, in Spanish (shown to the public)")),
    ],
    Report.Kind.SURVEY: [
        ("summary", _("Written summary of the compiled results")),
        ("findings", _("What the results say about the relationship with the community")),
        ("recommendations", _("Recommended actions for the Chief")),
    ],
}


def narrative_fields(kind: str, data: dict | None = None) -> list[tuple[str, str]]:
    """The narrative boxes of a report; the annual report has one per plan objective."""
    fields = list(NARRATIVES[kind])
    if kind == Report.Kind.ANNUAL and data:
        fields = [
            (
                f"objective_{o['position']}",
                gettext("Objective %(position)s: %(text)s")
                % {"position": o["position"], "text": o["text"]},
            )
            for o in data.get("objectives", [])
        ] + fields
    return fields


def build(kind: str, start: dt.date, end: dt.date, frozen: dict | None = None) -> dict:
    """The figures of a report kind over a period, counted in one transaction on the
    connection they are read from, with PostgreSQL's JIT compiler off: a report's few large
    queries are estimated costly enough for it, and compiling them took longer than running
    them (1.2 s of a quarter's 3.5 s at a million concerns, docs/PERFORMANCE.md).

    A listing longer than LISTING_LIMIT is summarised, its lines not read (`_listings`);
    with `frozen` (at submission) they are read, and put there by listing."""
    return _built(kind, start, end, lambda data: settle(data, frozen))


def _built(kind: str, start: dt.date, end: dt.date, then):
    """`then` of a builder's data, in the transaction build() describes."""
    alias = router.db_for_read(Concern)
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return then(BUILDERS[kind](start, end))


def build_for(report: Report, frozen: dict | None = None) -> dict:
    """The live figures of a report (a survey summary is about its survey, not a period)."""
    if report.kind == Report.Kind.SURVEY:
        return summary(report.survey)
    return build(report.kind, report.period_start, report.period_end, frozen)


def listing_lines(report: Report, key: str) -> list[dict]:
    """Every line of one listing of the report: as frozen at submission (the long ones
    beside the figures), or counted live for a draft."""
    if report.data is None:
        # That listing alone, every line of it: none of the others is read.
        def every_line(data):
            listing = data.get(key)
            return listing.rows(None) if isinstance(listing, Listing) else listing or []

        return _built(report.kind, report.period_start, report.period_end, every_line)
    if key in (report.data.get(LONG) or {}):
        return ReportListing.objects.get(report=report, key=key).rows
    return report.data.get(key) or []
