"""Charts as inline SVG, built in Python so the browser page and the PDF draw the very same
picture. Every chart carries a role="img" label; the page or PDF shows the figures beside
it in a table, which is the text alternative."""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

INK = "#1b2430"
BAR = "#17375f"
# Distinguishable by shape (dash patterns) as well as by colour.
SERIES = [
    ("#17375f", ""),
    ("#b5651d", "6 3"),
    ("#2e7d32", "2 3"),
    ("#7b1fa2", "8 3 2 3"),
    ("#c62828", "1 2"),
]


def percent_bars(rows, title: str, *, width: int = 520) -> str:
    """Horizontal bars for [[label, count, percent], ...], scaled to 100%."""
    row_h = 20
    label_w = 200
    bar_w = width - label_w - 90  # room after a full bar for "100% (1234)"
    parts = [
        format_html(
            '<svg class="bars" role="img" aria-label="{}" width="{}" height="{}" '
            'viewBox="0 0 {} {}" xmlns="http://www.w3.org/2000/svg">',
            title,
            width,
            row_h * len(rows),
            width,
            row_h * len(rows),
        )
    ]
    for i, (label, count, pct) in enumerate(rows):
        y = i * row_h
        w = round(bar_w * pct / 100)
        text = str(label)
        if len(text) > 34:
            text = text[:33] + "…"
        parts.append(
            format_html(
                '<g transform="translate(0 {})"><text x="0" y="14" font-size="11" fill="{}">{}'
                '</text><rect x="{}" y="4" height="12" width="{}" fill="{}"></rect>'
                '<text x="{}" y="14" font-size="11" fill="{}">{}% ({})</text></g>',
                y,
                INK,
                text,
                label_w,
                w,
                BAR,
                label_w + w + 6,
                INK,
                pct,
                count,
            )
        )
    parts.append("</svg>")
    # Every piece above went through format_html, which escapes the labels.
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308  # nosec


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


def line_chart(
    series,
    labels,
    title: str,
    *,
    width: int = 520,
    height: int = 180,
    top_value: int | None = 100,
    label_every: int = 1,
) -> str:
    """Lines over `labels` (years, months): `series` is [(name, [value or None, ...]), ...].
    The scale is 0-100 (indexes) unless `top_value` is None, when it fits the data. A
    missing value breaks the line."""
    if top_value is None:
        peak = max((v for _, values in series for v in values if v is not None), default=0)
        top_value = _nice_ceiling(peak)
    left, right, top, bottom = 34, 130, 10, 24
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
    quarters = top_value == 100 or top_value % 4 == 0
    for tick in (
        [top_value * q // 4 for q in range(5)] if quarters else [0, top_value // 2, top_value]
    ):
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#dde2ea" stroke-width="1"></line><text x="{left - 4}" y="{y(tick) + 4:.1f}" '
            f'font-size="10" text-anchor="end" fill="{INK}">{tick}</text>'
        )
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % label_every:  # counted from the latest, which always shows
            continue
        out.append(
            f'<text x="{x(i):.1f}" y="{height - 6}" font-size="10" text-anchor="middle" '
            f'fill="{INK}">{escape(label)}</text>'
        )
    for k, (name, values) in enumerate(series):
        colour, dash = SERIES[k % len(SERIES)]
        segment: list[str] = []
        segments = []
        for i, v in enumerate(values):
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
        if segment:
            segments.append(segment)
        for points in segments:
            out.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-dasharray="{dash}" points="{" ".join(points)}"></polyline>'
            )
            for point in points:
                cx, cy = point.split(",")
                out.append(f'<circle cx="{cx}" cy="{cy}" r="2.5" fill="{colour}"></circle>')
        ly = top + 12 + k * 16
        out.append(
            f'<line x1="{left + plot_w + 10}" x2="{left + plot_w + 30}" y1="{ly - 4}" '
            f'y2="{ly - 4}" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"></line>'
            f'<text x="{left + plot_w + 34}" y="{ly}" font-size="10" fill="{INK}">'
            f"{escape(name[:18])}</text>"
        )
    out.append("</svg>")
    # Numbers we computed, and names and labels passed through escape().
    return mark_safe("".join(out))  # noqa: S308  # nosec


def column_chart(labels, values, title: str, *, width: int = 520, height: int = 150) -> str:
    """Vertical bars, one per label (months), with the axis fitted to the data."""
    left, top, bottom = 34, 8, 22
    plot_w, plot_h = width - left - 6, height - top - bottom
    top_value = _nice_ceiling(max(values, default=0))
    slot = plot_w / max(len(values), 1)
    out = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for tick in (0, top_value // 2, top_value):
        ty = top + plot_h * (1 - tick / top_value)
        out.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
            f'stroke="#dde2ea"></line><text x="{left - 4}" y="{ty + 4:.1f}" font-size="10" '
            f'text-anchor="end" fill="{INK}">{tick}</text>'
        )
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        h = plot_h * value / top_value
        x = left + i * slot + slot * 0.15
        out.append(
            f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{BAR}"></rect>'
        )
        if i % 2 == 0 or i == len(values) - 1:
            out.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{height - 6}" font-size="9" '
                f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
            )
    out.append("</svg>")
    # Numbers we computed and labels passed through escape().
    return mark_safe("".join(out))  # noqa: S308  # nosec
