"""Pagination that never counts a whole table.

A list at a million rows cannot afford COUNT(*) on every page view. A page fetches one row
more than it shows to know whether a next page exists, and the total is counted only up to
a cap ("more than 1,000"), which PostgreSQL answers from the first rows of an index scan.
"""

from dataclasses import dataclass

PER_PAGE = 50
COUNT_CAP = 1_000


@dataclass
class Page:
    rows: list
    number: int
    per_page: int
    has_next: bool
    total: int
    total_capped: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def start(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.rows else 0

    @property
    def end(self) -> int:
        return self.start + len(self.rows) - 1 if self.rows else 0


def paginate(queryset, page_param, *, per_page: int = PER_PAGE, cap: int = COUNT_CAP) -> Page:
    try:
        number = max(1, int(page_param or 1))
    except (TypeError, ValueError):
        number = 1
    offset = (number - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    # Keep the ordering: the capped count then walks the same index as the page and stops
    # at the cap, instead of a sequential scan whose cost depends on where it starts.
    # Counted over the rows' ids alone: a list's rows may carry subqueries (a concern's
    # awaited unit and department) that the count need not work out a thousand times.
    total = _ids(queryset)[: cap + 1].count()
    return Page(
        rows=rows,
        number=number,
        per_page=per_page,
        has_next=has_next,
        total=min(total, cap),
        total_capped=total > cap,
    )


def _ids(queryset):
    """The same rows, selecting only their ids; a combined query (a UNION) as it is."""
    if getattr(queryset.query, "combinator", None) or queryset._fields is not None:
        return queryset
    return queryset.values("pk")
