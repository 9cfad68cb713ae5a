"""The dashboard's two largest tables, their rows built in Python once a page: the open
concerns by category and status (a dozen categories by seven statuses, each figure a link
to the list) and the 24 months of the trend. Through the template's loops they were about
3 ms of the cold dashboard's CPU (PERFORMANCE.md, issue 26, fifth step); the markup is
the same."""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.html import text

register = template.Library()


@register.simple_tag
def open_matrix_rows(by_category) -> str:
    """The rows of desk.dashboard.concern_figures' "by_category": each figure links to the
    concern list filtered to its category and status, the total to the category's open
    ones; a zero is shown, not linked."""
    list_url = text(reverse("concerns:list"))
    html = []
    for row in by_category:
        category = text(row["category"])
        html.append(f'<tr><th scope="row" class="fw-normal">{text(row["label"])}</th>')
        for status, n in row["cells"]:
            if n:
                html.append(
                    f'<td class="text-end"><a href="{list_url}?category={category}'
                    f'&amp;status={text(status)}">{n}</a></td>'
                )
            else:
                html.append('<td class="text-end"><span class="text-body-secondary">0</span></td>')
        html.append(
            f'<td class="text-end fw-semibold"><a href="{list_url}?category={category}'
            f'&amp;open=on">{row["total"]}</a></td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value escaped by text()  # nosec B308 B703


@register.simple_tag
def trend_rows(rows) -> str:
    """The rows of desk.dashboard.trends' "rows": a month, each line's figure, all."""
    html = []
    for month, values, total in rows:
        cells = "".join(f'<td class="text-end">{n}</td>' for n in values)
        html.append(
            f'<tr><th scope="row" class="fw-normal">{text(month)}</th>{cells}'
            f'<td class="text-end">{total}</td></tr>'
        )
    return mark_safe("".join(html))  # noqa: S308 - every value escaped by text()  # nosec B308 B703
