"""Charts as inline SVG, built in Python so the browser page and the PDF draw the very same
picture. Every chart carries a role="img" label; the page or PDF shows the figures beside
it in a table, which is the text alternative.

A chart is drawn at a given size in user units, its text at `font` units: the caller picks a
size at which the chart is shown about 1:1 (the page may draw a wide and a narrow one and
let CSS show the one that fits, since a viewBox scaled down to a phone makes text tiny).
Lines are named by a label at their end, in their own colour, rather than by a legend."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

INK = "#1b2430"
MUTED = "#4a5568"
GRID = "#dde2ea"
BAR = "#17375f"
# The series palette: the brand navy, then the brand gold darkened to read as text, then
# teal, crimson and violet. Each has at least 4.5:1 contrast on white (so a line's label can
# be written in its colour) and its own line style, so lines are told apart without colour.
SERIES = [
    ("#0f2a4a", ""),  # navy, solid (14.5:1)
    ("#8a6a00", "9 4"),  # dark gold, dashed (5.1:1)
    ("#00695c", "2 3"),  # teal, dotted (6.6:1)
    ("#a4262c", "12 4 3 4"),  # crimson, dash-dot (7.3:1)
    ("#5e35b1", "5 3"),  # violet, short dashes (8.0:1)
]
# An average glyph is about this share of the font size wide (Source Sans, system sans).
GLYPH = 0.56


def _fit(text: str, chars: int) -> str:
    text = str(text)
    return text if len(text) <= chars else text[: max(chars - 1, 1)] + "…"


def percent_bars(
    rows,
    title: str,
    *,
    width: int = 520,
    font: int = 12,
    scale: tuple[str, str] | None = None,
) -> str:
    """Horizontal bars for [[label, count, percent], ...], scaled to 100%. For a rating,
    `scale` names the ends of the scale ("very poor", "excellent"): the first and last
    labels then say what they mean ("1 = very poor")."""
    rows = [list(row) for row in rows]
    if scale and rows:
        rows[0][0] = f"{rows[0][0]} = {scale[0]}"
        rows[-1][0] = f"{rows[-1][0]} = {scale[1]}"
    row_h = font + 10
    chars = min(max((len(str(r[0])) for r in rows), default=4), 30, int(width / 2 / font / GLYPH))
    label_w = round(chars * font * GLYPH) + 10
    after = round(font * GLYPH * 11)  # room after a full bar for "100% (1234)"
    bar_w = max(width - label_w - after, 40)
    height = row_h * len(rows)
    out = [
        f'<svg class="bars" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    baseline = round(row_h / 2 + font * 0.35)
    for i, (label, count, pct) in enumerate(rows):
        w = round(bar_w * pct / 100)
        # f-strings with escape() on the words: format_html escaping every number cost
        # two thirds of the dashboard's chart drawing.
        out.append(
            f'<g transform="translate(0 {i * row_h})"><text x="0" y="{baseline}" '
            f'font-size="{font}" fill="{INK}">{escape(_fit(label, chars))}</text>'
            f'<rect x="{label_w}" y="4" height="{row_h - 8}" width="{w}" fill="{BAR}"></rect>'
            f'<text x="{label_w + w + 6}" y="{baseline}" font-size="{font}" fill="{INK}">'
            f"{escape(pct)}% ({escape(count)})</text></g>"
        )
    out.append("</svg>")
    # Numbers we computed, and labels passed through escape().
    return mark_safe("".join(out))  # noqa: S308  # nosec


def _nice_ceiling(value: float) -> int:
    """A round top for an axis: 7 -> 10, 43 -> 50, 380 -> 400."""
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return int(top)
    return int(10 * magnitude)


def _ticks(top_value: int) -> list[int]:
    if top_value == 100 or top_value % 4 == 0:
        return [top_value * q // 4 for q in range(5)]
    return [0, top_value // 2, top_value]


def spread(wanted: list[float], gap: float, low: float, high: float) -> list[float] | None:
    """Label positions as near `wanted` as they can be, at least `gap` apart, between `low`
    and `high` (y grows downwards); None when they cannot all fit."""
    if not wanted:
        return []
    if gap * (len(wanted) - 1) > high - low:
        return None
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [min(max(wanted[i], low), high) for i in order]
    for k in range(1, len(placed)):  # push down
        placed[k] = max(placed[k], placed[k - 1] + gap)
    placed[-1] = min(placed[-1], high)
    for k in range(len(placed) - 2, -1, -1):  # then back up from the bottom
        placed[k] = min(placed[k], placed[k + 1] - gap)
    out = [0.0] * len(wanted)
    for k, i in enumerate(order):
        out[i] = placed[k]
    return out


def _segments(values, x, y) -> list[list[tuple[float, float]]]:
    """The runs of points between missing values (a missing value breaks the line)."""
    segments, segment = [], []
    for i, v in enumerate(values):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append((x(i), y(v)))
    if segment:
        segments.append(segment)
    return segments


def line_chart(
    series,
    labels,
    title: str,
    *,
    width: int = 520,
    height: int = 180,
    top_value: int | None = 100,
    label_every: int = 1,
    font: int = 12,
) -> str:
    """Lines over `labels` (years, months): `series` is [(name, [value or None, ...]), ...].
    The scale is 0-100 (indexes) unless `top_value` is None, when it fits the data. A
    missing value breaks the line. Each line is named at its end, the names nudged apart;
    when they cannot all fit beside the plot a legend takes their place."""
    if top_value is None:
        peak = max((v for _, values in series for v in values if v is not None), default=0)
        top_value = _nice_ceiling(peak)
    longest = max((len(str(name)) for name, _ in series), default=0)
    chars = min(longest, 18)
    left = round(font * GLYPH * len(str(top_value))) + 10
    right = round(chars * font * GLYPH) + 26 if series else 10
    top, bottom = round(font * 0.8), font + 12
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(labels), 1)

    def x(i):
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v):
        return top + plot_h * (1 - v / top_value)

    out = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in _ticks(top_value):
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="1"></line><text x="{left - 5}" '
            f'y="{y(tick) + font * 0.35:.1f}" font-size="{font}" text-anchor="end" '
            f'fill="{MUTED}">{tick}</text>'
        )
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % label_every:  # counted from the latest, which always shows
            continue
        out.append(
            f'<text x="{x(i):.1f}" y="{height - 5}" font-size="{font}" text-anchor="middle" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    ends = []  # (series index, end x, end y) of each line's last point
    markers = n <= 12  # a dot on every point only where there are few
    for k, (_name, values) in enumerate(series):
        colour, dash = SERIES[k % len(SERIES)]
        segments = _segments(values, x, y)
        for points in segments:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-dasharray="{dash}" stroke-linejoin="round" points="{path}"></polyline>'
            )
            for px, py in points if markers else points[-1:]:
                out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"></circle>')
        if segments:
            ends.append((k, *segments[-1][-1]))
    label_x = left + plot_w + 20
    placed = spread([ey for _, _, ey in ends], font + 3, top + font * 0.4, top + plot_h)
    for (k, ex, ey), ly in zip(ends, placed or [], strict=False):
        colour, dash = SERIES[k % len(SERIES)]
        out.append(
            f'<line x1="{ex + 5:.1f}" x2="{label_x - 4}" y1="{ey:.1f}" y2="{ly:.1f}" '
            f'stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"></line>'
            f'<text class="series-label" x="{label_x}" y="{ly + font * 0.35:.1f}" '
            f'font-size="{font}" font-weight="600" fill="{colour}">'
            f"{escape(_fit(series[k][0], chars))}</text>"
        )
    if placed is None:  # too many lines to name at their ends: a legend beside the plot
        for k, (name, _values) in enumerate(series):
            colour, dash = SERIES[k % len(SERIES)]
            ly = top + font + k * (font + 4)
            out.append(
                f'<g class="legend"><line x1="{left + plot_w + 8}" x2="{left + plot_w + 22}" '
                f'y1="{ly - font * 0.35:.1f}" y2="{ly - font * 0.35:.1f}" stroke="{colour}" '
                f'stroke-width="2" stroke-dasharray="{dash}"></line><text '
                f'x="{left + plot_w + 26}" y="{ly}" font-size="{font}" fill="{INK}">'
                f"{escape(_fit(name, chars - 1))}</text></g>"
            )
    out.append("</svg>")
    # Numbers we computed, and names and labels passed through escape().
    return mark_safe("".join(out))  # noqa: S308  # nosec


def column_chart(
    labels,
    values,
    title: str,
    *,
    width: int = 520,
    height: int = 150,
    font: int = 12,
    label_every: int = 2,
) -> str:
    """Vertical bars, one per label (months), with the axis fitted to the data; each bar
    carries its figure on top where there is room for it."""
    top_value = _nice_ceiling(max(values, default=0))
    left, top, bottom = round(font * GLYPH * len(str(top_value))) + 10, font + 4, font + 12
    # Room on the right for half of the latest month's label, centred under its bar.
    plot_w, plot_h = width - left - round(font * GLYPH * 2), height - top - bottom
    slot = plot_w / max(len(values), 1)
    figures = slot >= font * GLYPH * 3 + 4
    out = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, top_value // 2, top_value):
        ty = top + plot_h * (1 - tick / top_value)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="{GRID}"></line><text x="{left - 5}" y="{ty + font * 0.35:.1f}" '
            f'font-size="{font}" text-anchor="end" fill="{MUTED}">{tick}</text>'
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top_value
        x = left + i * slot + slot * 0.15
        out.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"></rect>'
        )
        if figures:
            out.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{top + plot_h - h - 4:.1f}" '
                f'font-size="{font}" text-anchor="middle" fill="{INK}">{value}</text>'
            )
        if (len(values) - 1 - i) % label_every == 0:  # the latest always shows
            out.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{height - 5}" font-size="{font}" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    out.append("</svg>")
    # Numbers we computed and labels passed through escape().
    return mark_safe("".join(out))  # noqa: S308  # nosec
