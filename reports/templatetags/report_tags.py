import datetime as dt
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext

from concerns.models import Concern
from core.charts import column_chart, line_chart
from core.charts import percent_bars as chart
from outreach.models import OutreachActivity
from programs.models import Program
from reports.builders import _areas

register = template.Library()


@register.filter
def in_reader_words(figure):
    """A frozen "by area" figure in the language of the page or PDF (reports/builders)."""
    return _areas.in_reader_words(figure) if figure else figure


# The product's one way of writing a day ("Dec 3, 2026"), as every other page writes it.
DAY_FORMAT = "M j, Y"


@register.filter
def day(value):
    """A day of a report's frozen figures (an ISO string in the JSON, or a date) written as
    the rest of the product writes days; anything else is shown as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return date_format(value, DAY_FORMAT)
    return value


@register.filter
def days(value):
    """A frozen period ("2026-01-05 – 2026-02-05") with each day written as `day`."""
    return " – ".join(str(day(part)) for part in str(value).split(" – ")) if value else value


@register.simple_tag
def bar_rows(rows):
    """[[label, count], ...] as [(label, count, percent of the largest)], to scale from zero
    whatever the order of the rows (the largest sets 100 %)."""
    top = max((n for _label, n in rows if isinstance(n, int | float)), default=0)
    return [
        (label, n, round(100 * n / top, 1) if top and isinstance(n, int | float) else 0)
        for label, n in rows
    ]


@register.simple_tag(takes_context=True)
def narrative_box(context, key):
    """The edit box of one narrative, shown in its section: the bound field of the page's
    narratives form, remembered as placed so the page lists any box no section shows."""
    form = context.get("narratives_form")
    if not form or not context.get("editing") or key not in form.fields:
        return None
    form.placed.add(key)
    return form[key]


@register.simple_tag(takes_context=True)
def unplaced_narratives(context):
    """The narrative boxes no section of the page showed (a kind's template without one)."""
    form = context.get("narratives_form")
    if not form or not context.get("editing"):
        return []
    return [form[key] for key in form.keys if key not in form.placed]


@register.filter
def chunks(rows, size):
    """Split a list into lists of `size`: short blocks lay out much faster in WeasyPrint
    than one block many pages long (5,000 lines: 3.1 s against 6.0 s)."""
    size = int(size)
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _cell(value, width: int, key: str = "") -> str:
    value = "" if value is None else str(day(value) if key in DAY_COLUMNS else value)
    if len(value) >= width:
        value = value[: width - 2] + "…"
    return value.ljust(width)


LISTING_COLUMNS = (("reference", 14), ("date", 13), ("category", 18), ("area", 20))
PROGRESS_COLUMNS = (("reference", 14), ("received", 13), ("category", 18))
DAY_COLUMNS = ("date", "received")
SUMMARY_WIDTH = 52


@register.filter
def concern_lines(rows) -> str:
    """Concerns as fixed-width lines for a compact listing (formatted here, not in the
    template language: 6,700 rows cost 1.5 s of template filters)."""
    return "\n".join(
        "".join(_cell(row.get(key), width, key) for key, width in LISTING_COLUMNS)
        + _cell(row.get("summary", ""), SUMMARY_WIDTH)
        + row["status"]
        for row in rows
    )


@register.filter
def progress_lines(rows) -> str:
    """Section 4 of the quarterly report (earlier concerns worked) as fixed-width lines."""
    resolved, none = gettext("resolved this quarter"), gettext("no progress this quarter")
    return "\n".join(
        "".join(_cell(row.get(key), width, key) for key, width in PROGRESS_COLUMNS)
        + _cell(row.get("summary", ""), SUMMARY_WIDTH)
        + str(row["steps"]).rjust(4)
        + "  "
        + (resolved if row["resolved_this_quarter"] else (row.get("what") or none))
        for row in rows
    )


@register.simple_tag
def percent_bars(rows, title):

    return chart(rows, title)


@register.simple_tag
def index_trend(trend, dimensions, title):
    """The dimension indexes over the years, one line per dimension."""

    years = [str(row["year"]) for row in trend]
    series = [(label, [row["indexes"].get(key) for row in trend]) for key, label in dimensions]
    return line_chart(series, years, title)


@register.filter
def get(mapping, key):
    """`row|get:key` for a dictionary key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def count_lines(months, series, title):
    """Counts per month, one line per series, the axis fitted to the data."""

    return line_chart(series, months, title, top_value=None, label_every=3)


@register.simple_tag
def month_columns(months, values, title):

    return column_chart(months, values, title)


@register.simple_tag
def two_indexes(years, trust, overall, title):
    """The trust and overall-performance indexes over the years (0-100)."""

    return line_chart([("Trust", trust), ("Overall", overall)], years, title, height=150)


@register.filter
def get_item(sequence, index):
    """`list|get_item:i` for a position held in a variable."""
    try:
        return sequence[int(index)]
    except (IndexError, TypeError, ValueError):
        return None


# Which list a report figure opens, and the choices its frozen labels came from (a frozen
# report holds labels, not values: they are matched back in the language it was built in).
_RECORD_LISTS = {
    "concerns": (
        "concerns:list",
        ("received_from", "received_to"),
        {
            "category": Concern.Category.choices,
            "source_type": Concern.SourceType.choices,
            "nature": Concern.Nature.choices,
            "status": Concern.Status.choices,
        },
    ),
    "activities": (
        "outreach:activities",
        ("date_from", "date_to"),
        {"kind": OutreachActivity.Kind.choices},
    ),
}


@register.simple_tag
def records_url(report, records, field="", label=""):
    """The list of records behind a figure on a report's page: the period's concerns or
    activities, narrowed by a label of the report (a category, a kind). Empty when the
    label matches no choice, so the figure shows without a link."""
    name, (first, last), fields = _RECORD_LISTS[records]
    params = {first: report.period_start.isoformat(), last: report.period_end.isoformat()}
    if field in fields:
        found = [key for key, text in fields[field] if str(label) in (key, str(text))]
        if not found:
            return ""
        params[field] = found[0]
    elif field:
        params[field] = label
    return f"{reverse(name)}?{urlencode(params)}"


@register.simple_tag
def program_urls(rows) -> dict:
    """Each program named in a report's rows, to its page: one query for the whole list
    (a frozen report holds names; a program renamed since is shown without a link)."""
    names = {row["program"] for row in rows or []}
    if not names:
        return {}
    return {
        name: reverse("programs:detail", args=[pk])
        for pk, name in Program.objects.filter(name__in=names).values_list("pk", "name")
    }
