from django import template

register = template.Library()


@register.filter
def chunks(rows, size):
    """Split a list into lists of `size`: short blocks lay out much faster in WeasyPrint
    than one block many pages long (5,000 lines: 3.1 s against 6.0 s)."""
    size = int(size)
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _cell(value, width: int) -> str:
    value = str(value)
    if len(value) >= width:
        value = value[: width - 2] + "…"
    return value.ljust(width)


LISTING_COLUMNS = (("reference", 15), ("date", 12), ("category", 26), ("nature", 19), ("area", 26))


@register.filter
def concern_lines(rows) -> str:
    """Concerns as fixed-width lines for a compact listing (formatted here, not in the
    template language: 6,700 rows cost 1.5 s of template filters)."""
    return "\n".join(
        "".join(_cell(row[key], width) for key, width in LISTING_COLUMNS) + row["status"]
        for row in rows
    )


@register.simple_tag
def percent_bars(rows, title):
    from reports.charts import percent_bars as chart

    return chart(rows, title)


@register.simple_tag
def index_trend(trend, dimensions, title):
    """The dimension indexes over the years, one line per dimension."""
    from reports.charts import line_chart

    years = [str(row["year"]) for row in trend]
    series = [(label, [row["indexes"].get(key) for row in trend]) for key, label in dimensions]
    return line_chart(series, years, title)


@register.filter
def get(mapping, key):
    """`row|get:key` for a dictionary key held in a variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None
