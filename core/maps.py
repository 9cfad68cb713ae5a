"""Maps as inline SVG, built in Python like the charts (core/charts.py), so the page and the
PDF draw the very same picture. Pure: it takes shapes as coordinate lists and a value for
each, and knows nothing of areas or concerns (accounts/maps.py turns areas into shapes).

The projection is equirectangular with the longitudes scaled by the cosine of the middle
latitude: at a town's size that is indistinguishable from the map a GIS office prints, and
it needs no library. Every map carries role="img" with a title; the page or PDF shows the
same figures in a table beside it, which is the text alternative.
"""

import math
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

INK = "#1b2430"
EDGE = "#4a5568"
NO_VALUE = "#eceff3"  # an area whose figure is not shown (suppressed, or not counted)
# Sequential shades, light to dark, readable in greyscale print as well as in colour.
SHADES = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
POINT = "#b3261e"
PAD = 8
LEGEND_H = 26


@dataclass
class Shape:
    """One area to draw: `polygons` is a list of polygons, each a list of rings (the outer
    ring first, then holes), each ring a list of (longitude, latitude) pairs. `value` None
    means "not shown" (a suppressed figure), drawn in grey and named by the legend."""

    code: str
    name: str
    polygons: list
    value: int | None = 0
    label: str = ""  # what the map prints on the area; code and value when empty
    extra: dict = field(default_factory=dict)


@dataclass
class Projection:
    """Longitude/latitude to viewBox x/y for one map."""

    min_lon: float
    max_lat: float
    cos_lat: float
    scale: float
    dx: float
    dy: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.min_lon) * self.cos_lat * self.scale + self.dx
        y = (self.max_lat - lat) * self.scale + self.dy
        return x, y


def bounds(shapes) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of every ring, or None when there is nothing."""
    lons = [p[0] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    lats = [p[1] for s in shapes for poly in s.polygons for ring in poly for p in ring]
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def projection(box, width: int, height: int, pad: int = PAD) -> Projection:
    """The projection that fits the box into width x height, centred, keeping the shape."""
    min_lon, min_lat, max_lon, max_lat = box
    cos_lat = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lon - min_lon) * cos_lat, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((width - 2 * pad) / span_x, (height - 2 * pad) / span_y)
    dx = (width - span_x * scale) / 2
    dy = (height - span_y * scale) / 2
    return Projection(min_lon, max_lat, cos_lat, scale, dx, dy)


def fitted_height(box, width: int, *, low: int = 160, high: int = 520) -> int:
    """A height that suits the box's shape at this width, within sensible limits."""
    min_lon, min_lat, max_lon, max_lat = box
    cos_lat = math.cos(math.radians((min_lat + max_lat) / 2))
    ratio = (max_lat - min_lat) / max((max_lon - min_lon) * cos_lat, 1e-9)
    return int(min(max((width - 2 * PAD) * ratio + 2 * PAD, low), high))


def classes(values) -> list[tuple[int, int]]:
    """Ranges of counts for the shades: zero alone, then up to four equal steps of a round
    size up to the largest value (1-5, 6-10, ...). Fewer when the values are small."""
    top = max((v for v in values if v is not None), default=0)
    if top <= 0:
        return [(0, 0)]
    steps = min(len(SHADES) - 1, top)
    size = math.ceil(top / steps)
    for nice in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if nice >= size:
            size = nice
            break
    else:
        size = 10 ** math.ceil(math.log10(size))
    ranges = [(0, 0)]
    low = 1
    while low <= top:
        ranges.append((low, low + size - 1))
        low += size
    return ranges


def shade(value: int | None, ranges) -> str:
    if value is None:
        return NO_VALUE
    for i, (low, high) in enumerate(ranges):
        if low <= value <= high:
            return SHADES[min(i, len(SHADES) - 1)]
    return SHADES[-1]


def _range_words(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _path(polygons, project) -> str:
    parts = []
    for poly in polygons:
        for ring in poly:
            points = [project(lon, lat) for lon, lat in ring]
            if len(points) < 3:
                continue
            head, *rest = points
            parts.append(
                f"M{head[0]:.1f} {head[1]:.1f}"
                + "".join(f"L{x:.1f} {y:.1f}" for x, y in rest)
                + "Z"
            )
    return "".join(parts)


def _label_point(polygons) -> tuple[float, float]:
    """Where the label goes: the middle of the largest polygon's outer ring (the centre of
    its vertices' box, moved to the ring's centroid when that lies inside)."""
    best, best_area = None, -1.0
    for poly in polygons:
        ring = poly[0]
        area = abs(_ring_area(ring))
        if area > best_area:
            best, best_area = ring, area
    cx, cy = _centroid(best)
    if _inside((cx, cy), best):
        return cx, cy
    lons = [p[0] for p in best]
    lats = [p[1] for p in best]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def _ring_area(ring) -> float:
    return (
        sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1))
        / 2
    )


def _centroid(ring) -> tuple[float, float]:
    area = _ring_area(ring)
    if abs(area) < 1e-15:
        return sum(p[0] for p in ring) / len(ring), sum(p[1] for p in ring) / len(ring)
    cx = cy = 0.0
    for i in range(len(ring) - 1):
        (x0, y0), (x1, y1) = ring[i][:2], ring[i + 1][:2]
        cross = x0 * y1 - x1 * y0
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    return cx / (6 * area), cy / (6 * area)


def _inside(point, ring) -> bool:
    x, y = point
    inside = False
    for i in range(len(ring) - 1):
        (x0, y0), (x1, y1) = ring[i][:2], ring[i + 1][:2]
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            inside = not inside
    return inside


def choropleth(
    shapes: list[Shape],
    title: str,
    *,
    points=(),
    width: int = 520,
    height: int | None = None,
    hidden_words: str = "",
    legend: bool = True,
) -> str:
    """The areas shaded by their values, each labelled with its code and value, a legend of
    the shades underneath, and `points` [(longitude, latitude), ...] as small circles (a
    public map passes none). `hidden_words` names the grey of a value not shown."""
    box = bounds(shapes)
    if box is None:
        return ""
    map_h = height or fitted_height(box, width)
    ranges = classes(s.value for s in shapes)
    any_hidden = any(s.value is None for s in shapes)
    total_h = map_h + (LEGEND_H if legend else 0)
    project = projection(box, width, map_h)
    out = [
        f'<svg class="area-map" role="img" aria-label="{escape(title)}" width="{width}" '
        f'height="{total_h}" viewBox="0 0 {width} {total_h}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for s in shapes:
        out.append(
            f'<path d="{_path(s.polygons, project)}" fill="{shade(s.value, ranges)}" '
            f'stroke="{EDGE}" stroke-width="1" fill-rule="evenodd" '
            f'data-code="{escape(s.code)}"><title>{escape(s.name)}: '
            f"{escape(_value_words(s.value, hidden_words))}</title></path>"
        )
    font = 12 if width >= 400 else 10
    for s in shapes:
        x, y = project(*_label_point(s.polygons))
        # A withheld value is named by the grey and the legend, not on the area itself.
        label = s.label or (f"{s.code} · {s.value}" if s.value is not None else s.code)
        label = label[:24]
        box_w = len(label) * font * 0.62 + 6
        # A white box under the ink keeps the label readable on the darkest shade (a text
        # outline would do it in a browser, but WeasyPrint draws outlines over the fill).
        out.append(
            f'<rect x="{x - box_w / 2:.1f}" y="{y - font * 0.75:.1f}" width="{box_w:.1f}" '
            f'height="{font * 1.5:.1f}" rx="3" fill="#ffffff" fill-opacity="0.85" '
            f'aria-hidden="true"></rect><text x="{x:.1f}" y="{y + font / 3:.1f}" '
            f'font-size="{font}" text-anchor="middle" fill="{INK}" font-weight="600">'
            f"{escape(label)}</text>"
        )
    # The points last, over the labels: a point at an area's middle is never hidden.
    lon_pad = (box[2] - box[0]) * 0.02
    lat_pad = (box[3] - box[1]) * 0.02
    for lon, lat in points:
        if not (box[0] - lon_pad <= lon <= box[2] + lon_pad):
            continue
        if not (box[1] - lat_pad <= lat <= box[3] + lat_pad):
            continue
        x, y = project(lon, lat)
        out.append(
            f'<circle class="map-point" cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{POINT}" '
            f'stroke="#ffffff" stroke-width="0.8"></circle>'
        )
    if legend:
        values = [s.value for s in shapes]
        out.append(_legend(ranges, values, any_hidden, hidden_words, map_h, bool(points)))
    out.append("</svg>")
    # Numbers we computed, and every name and label passed through escape().
    return mark_safe("".join(out))  # noqa: S308  # nosec


def _value_words(value, hidden_words) -> str:
    if value is None:
        return hidden_words or _("not shown")
    return str(value)


def _legend(ranges, values, any_hidden, hidden_words, top, with_points) -> str:
    """Swatches in a row under the map: what each shade counts, the grey, the dots."""
    # Only the shades the map uses: a public map, whose small counts are withheld, never
    # shows "1-2".
    items = [
        (shade(low, ranges), _range_words(low, high))
        for low, high in ranges
        if any(v is not None and low <= v <= high for v in values)
    ]
    if any_hidden:
        items.append((NO_VALUE, hidden_words or _("not shown")))
    out = [f'<g class="map-legend" transform="translate({PAD} {top + 6})">']
    x = 0
    for colour, words in items:
        out.append(
            f'<rect x="{x}" y="0" width="14" height="12" fill="{colour}" stroke="{EDGE}" '
            f'stroke-width="0.8"></rect><text x="{x + 18}" y="10" font-size="11" '
            f'fill="{INK}">{escape(words)}</text>'
        )
        x += 26 + 6.5 * len(words)
    if with_points:
        out.append(
            f'<circle cx="{x + 6}" cy="6" r="3" fill="{POINT}"></circle><text x="{x + 14}" '
            f'y="10" font-size="11" fill="{INK}">{escape(_("one record"))}</text>'
        )
    out.append("</g>")
    return "".join(out)
