"""Listings of a report: every concern of a section, line by line, up to LISTING_LIMIT
lines; past it, a summary (how many per category and, where the lines have one, per
status) in the report, and every line in a CSV file on the report's page.

A builder gives each such listing as a `Listing`: how to read its lines, and how to count
them by category and status in SQL. `settle()` decides which it is. A draft's report (page
and PDF) counts a long listing in SQL and never reads its lines: a large department's
quarter has 196,564 earlier concerns open in it, and reading them cost its PDF 2 s and put
59 MB of JSON into the figures. At submission every line is read once, the summary is
counted from those very lines, and the lines are frozen beside the report
(`reports.models.ReportListing`), where its CSV file reads them; the summary names their
digest, so the figures the Chief approves pin every line.

Figures frozen before this held long listings in full in the report's data; they are still
summarised from their lines (`listed`).
"""

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

# A listing longer than this is summarised in the report (PDF and page) and given in full
# as a CSV file on the report's page: a large department's quarter (25,000 concerns) listed
# line by line was 560 pages and 96 s of layout (docs/PERFORMANCE.md).
LISTING_LIMIT = 1000

# The key of a report's data that holds the summaries of its long listings, by listing.
LONG = "long_listings"


@dataclass(frozen=True)
class Listing:
    """A listing as a builder gives it. `rows(limit)` reads its first `limit` lines (every
    line when None); `counts()` counts them in SQL, by (category label, status label), the
    status "" for lines that have none. `figures(lines)`, if given, works out from every
    line the figures the report states about the listing beside it: at submission they are
    taken from the lines frozen, so that the two can never disagree (the lines and a count
    are two queries, which may see the data at two moments)."""

    rows: Callable[[int | None], list[dict]]
    counts: Callable[[], Counter]
    figures: Callable[[list[dict]], dict] | None = None


@dataclass(frozen=True)
class Listed:
    """A listing as a report shows it: its lines when it is short enough to print, else
    none and its summary; `total` either way."""

    rows: list
    total: int
    summary: dict | None


def summarise(counts: Counter) -> dict:
    """The summary of a long listing from its counts by (category, status): a cross-table
    with a column per status, most frequent first, when the lines have a status; the
    categories largest first."""
    table = defaultdict(Counter)
    statuses = Counter()
    for (category, status), n in counts.items():
        table[category][status] += n
        statuses[status] += n
    by_status = bool(statuses.keys() - {""})
    ordered = sorted(statuses.items(), key=lambda item: (-item[1], item[0]))
    columns = [status for status, _n in ordered] if by_status else []
    lines = sorted(table.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return {
        "columns": columns,
        "rows": [
            {
                "category": category,
                "counts": [counts_of.get(c, 0) for c in columns],
                "total": sum(counts_of.values()),
            }
            for category, counts_of in lines
        ],
        "totals": [statuses[c] for c in columns],
        "total": sum(statuses.values()),
    }


def counted_rows(rows: list[dict]) -> Counter:
    """The counts `summarise` takes, from the lines themselves."""
    return Counter((row["category"], row.get("status", "")) for row in rows)


def frozen_text(rows: list[dict]) -> str:
    """A listing's lines as they are frozen: JSON, keys sorted, no spaces."""
    return json.dumps(rows, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    """The SHA-256 of a listing's frozen text."""
    return hashlib.sha256(text.encode()).hexdigest()


def settle(data: dict, frozen: dict | None = None) -> dict:
    """Each `Listing` in a builder's data, settled: its lines if it has at most
    LISTING_LIMIT, else none and its summary under data[LONG]. A short listing costs the
    query of its lines (one line past the limit is asked for, to know); a long one, those
    first lines and its counts. With `frozen` (at submission), every listing's lines are
    read, a long one's summary is counted from them, and its lines go into `frozen` as the
    text they are kept as (`frozen_text`)."""
    long = {}
    for key, value in list(data.items()):
        if not isinstance(value, Listing):
            continue
        rows = value.rows(None if frozen is not None else LISTING_LIMIT + 1)
        if frozen is not None and value.figures is not None:
            data.update(value.figures(rows))
        if len(rows) > LISTING_LIMIT:
            if frozen is not None:
                frozen[key] = frozen_text(rows)
                long[key] = {**summarise(counted_rows(rows)), "sha256": digest(frozen[key])}
            else:
                long[key] = summarise(value.counts())
            rows = []
        data[key] = rows
    if long:
        data[LONG] = long
    return data


def listed(data: dict, keys) -> dict[str, Listed]:
    """The report's listings by key, as its page and PDF show them."""
    long = data.get(LONG) or {}
    out = {}
    for key in keys:
        if key in long:
            out[key] = Listed(rows=[], total=long[key]["total"], summary=long[key])
        elif (rows := data.get(key)) is not None:
            # Figures frozen before long listings were kept apart hold every line.
            summary = summarise(counted_rows(rows)) if len(rows) > LISTING_LIMIT else None
            out[key] = Listed(rows=[] if summary else rows, total=len(rows), summary=summary)
    return out
