"""The rows of every list of concerns (templates/concerns/_concern_rows.html), worked out in
Python once per page: labels read once, one small object per row, so that the template
does no lookups, includes or translations per row (a list page's budget is a few
milliseconds, PERFORMANCE.md)."""

from dataclasses import dataclass
from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from concerns.models import Concern
from concerns.next_step import load_facts, may_open, next_step, waiting_for
from core.html import text

register = template.Library()

SUMMARY_FALLBACK = 100  # characters of the description a row without a summary shows
DATE = "M j, Y"
LOCATION_CHARS = 40
_REFERENCE = "CR-0-0"  # stands in for each row's reference in the link, reversed once a page


@dataclass
class Row:
    concern: Concern
    reference: str
    url: str
    opens: bool
    summary: str
    no_summary: str
    priority: str
    priority_class: str
    conduct: str
    merged_into: str
    received: str
    later: str
    category: str
    area: str
    location: str
    source: str
    status: str
    status_label: str
    step: str
    waiting: str
    facts: str
    cells: SafeString = mark_safe("")  # noqa: S308 - empty  # nosec B308 B703


class Rows(list):
    """The page's rows, with the column names they are shown under."""

    labels: dict[str, str]


def _labels() -> dict[str, str]:
    return {
        "concerns": gettext("Concerns"),
        "concern": gettext("Concern"),
        "dates": gettext("Dates"),
        "category": gettext("Category"),
        "area": gettext("Area"),
        "source": gettext("Source"),
        "status": gettext("Status"),
        "next": gettext("Next step"),
    }


def _cells(r: Row, compact: bool, labels: dict[str, str]) -> SafeString:
    """A row's cells as HTML, built here rather than by the template: fifty rows of about
    thirty values each were a third of a list page's time (docs/PERFORMANCE.md). Every value
    goes through core.html.text."""
    t = text
    if r.opens:
        reference = f'<a class="fw-semibold" href="{t(r.url)}">{t(r.reference)}</a>'
    else:
        reference = f'<span class="fw-semibold">{t(r.reference)}</span>'
    if r.priority:
        reference += f' <span class="badge {t(r.priority_class)}">{t(r.priority)}</span>'
    if r.conduct:
        reference += f' <span class="badge text-bg-danger">{t(r.conduct)}</span>'
    muted = "" if r.summary else " text-body-secondary"
    html = [
        f'<td class="stack-head"><span class="text-nowrap">{reference}</span>'
        f'<div class="small concern-summary{muted}">{t(r.summary or r.no_summary)}</div>'
    ]
    if r.merged_into:
        html.append(
            '<div class="small"><span class="badge text-bg-secondary">'
            f"{t(r.merged_into)}</span></div>"
        )
    if compact:
        html.append(f'<div class="small text-body-secondary">{t(r.facts)}</div>')
    html.append("</td>")
    if not compact:
        later = f'<div class="small text-body-secondary">{t(r.later)}</div>' if r.later else ""
        where = (
            f'<div class="small text-body-secondary">{t(r.location)}</div>' if r.location else ""
        )
        html.append(
            f'<td class="text-nowrap" data-label="{t(labels["dates"])}">{t(r.received)}{later}'
            f'</td><td data-label="{t(labels["category"])}">{t(r.category)}</td>'
            f'<td data-label="{t(labels["area"])}">{t(r.area)}{where}</td>'
            f'<td data-label="{t(labels["source"])}">{t(r.source)}</td>'
        )
    if r.step:
        step = f'<span class="next-step fw-semibold">{t(r.step)}</span>'
    elif r.waiting:
        step = f'<span class="small text-body-secondary">{t(r.waiting)}</span>'
    else:
        step = '<span class="text-body-secondary">—</span>'
    html.append(
        f'<td class="stack-status" data-label="{t(labels["status"])}"><span class="badge '
        f'status-badge status-{t(r.status)}">{t(r.status_label)}</span></td>'
        f'<td class="stack-full" data-label="{t(labels["next"])}">{step}</td>'
    )
    return mark_safe("".join(html))  # noqa: S308 - every value escaped by text()  # nosec B308 B703


def _summary(concern: Concern, opens: bool) -> str:
    """The summary, or the start of the description; for a person who may not open the
    concern, never the description, and nothing of a conduct or bias concern (001 IV.C)."""
    if not opens:
        return "" if concern.is_conduct else concern.summary
    if concern.summary:
        return concern.summary
    return Truncator(" ".join(concern.description_start.split())).chars(SUMMARY_FALLBACK)


@register.simple_tag
def concern_rows(concerns, viewer, compact=False) -> Rows:
    concerns = list(concerns or [])
    rows = Rows()
    if not concerns:
        return rows
    rows.labels = labels = _labels()
    load_facts(concerns, viewer)
    categories = {k: str(v) for k, v in Concern.Category.choices}
    sources = {k: str(v) for k, v in Concern.SourceType.choices}
    statuses = {k: str(v) for k, v in Concern.Status.choices}
    priorities = {k: str(v) for k, v in Concern.Priority.choices}
    conduct = gettext("Conduct")
    not_placed = gettext("Not placed")
    restricted = gettext("Details restricted")
    no_summary = gettext("No summary")
    merged = gettext("merged into %(lead)s")
    updated = gettext("updated %(date)s")
    due = gettext("answer due %(date)s")
    link = reverse("concerns:detail", args=[_REFERENCE])
    dates = {}

    def day(value) -> str:
        # Rows share days: each is formatted once a page.
        if value not in dates:
            dates[value] = dateformat.format(value, DATE)
        return dates[value]

    for c in concerns:
        opens = may_open(c, viewer)
        suggestion = next_step(c, viewer) if opens else None
        received = day(c.date_received)
        changed = timezone.localdate(c.updated_at) if c.updated_at else None
        if c.awaiting_due:
            later = due % {"date": day(c.awaiting_due)}
        elif changed and changed != c.date_received:
            later = updated % {"date": day(changed)}
        else:
            later = ""
        category = categories.get(c.category, c.category)
        source = sources.get(c.source_type, c.source_type)
        area = c.defined_area.name if c.defined_area_id else not_placed
        rows.append(
            Row(
                concern=c,
                reference=c.reference,
                url=link.replace(_REFERENCE, quote(c.reference)) if opens else "",
                opens=opens,
                summary=_summary(c, opens),
                no_summary=no_summary if opens else restricted,
                priority=priorities[c.priority] if c.priority in ("urgent", "high") else "",
                priority_class="text-bg-danger" if c.priority == "urgent" else "text-bg-warning",
                conduct=conduct if c.is_conduct else "",
                merged_into=(merged % {"lead": c.duplicate_of.reference})
                if c.duplicate_of_id
                else "",
                received=received,
                later=later,
                category=category,
                area=area,
                location=(
                    Truncator(c.area).chars(LOCATION_CHARS)
                    if len(c.area) > LOCATION_CHARS
                    else c.area
                ),
                source=source,
                status=c.status,
                status_label=statuses.get(c.status, c.status),
                step=suggestion.label if suggestion else "",
                waiting=waiting_for(c) if opens and not suggestion else "",
                facts=" · ".join(p for p in (category, area, source, received) if p),
            )
        )
        rows[-1].cells = _cells(rows[-1], compact, labels)
    return rows
