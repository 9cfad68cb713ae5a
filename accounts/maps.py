"""The agency's areas as map shapes: counts per defined area become a "by area" figure that
a page, a PDF or a frozen report draws with core/maps.py.

A figure is plain data (codes, names, counts, coordinates), so a report can freeze it with
its other figures and draw the same map years later, whatever happens to the boundaries.

Which level is drawn: the kind of area (beats, neighbourhoods, ...) that holds most of the
counted records, a record in a beat counting for its sector when sectors are drawn. The
rule that places a record prefers the finest unit (accounts/areas.py: a beat before its
sector), so for most agencies that is the beats; a page may ask for a kind (the roll-call
briefing is by beat). Every area's own count stays in the table beside the map.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from accounts import shapes
from accounts.models import Area
from core.maps import Shape, choropleth, classes, shade

# A boundary is simplified to about this many degrees (roughly 10 metres) before it is
# drawn or frozen: a page does not need the GIS office's every vertex.
SIMPLIFY_DEGREES = 0.0001
# Points sent to a page at most (the list's first rows, a report's none).
MAX_POINTS = 500


def _polygons(boundary: dict) -> list:
    """GeoJSON Polygon/MultiPolygon to [[ring, ...], ...] with rings of [lon, lat]."""
    simple = shape(boundary).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
    geo = mapping(simple)
    polys = [geo["coordinates"]] if geo["type"] == "Polygon" else list(geo["coordinates"])
    return [[[[round(x, 6), round(y, 6)] for x, y, *_z in ring] for ring in poly] for poly in polys]


# Simplified shapes: simplifying a detailed boundary on every page would cost more than the
# page (accounts/shapes.py).
_SHAPES = shapes.ShapeStore(_polygons, limit=2000)


def _areas() -> list[Area]:
    """Every area without its boundary (an agency has tens, not thousands); whether it has
    one shows in its box, which is set with it (`Area.drawn`)."""
    return list(
        Area.objects.only(
            "id", "code", "name", "kind", "parent_id", "is_active", *shapes.KEY_FIELDS
        ).order_by("code")
    )


def _shapes(areas: list[Area]) -> dict[int, list]:
    """The simplified polygons of these areas ([] for one without a boundary)."""
    return {pk: polygons or [] for pk, polygons in _SHAPES.of(areas).items()}


def _drawn_kind(areas: list[Area], counts: dict) -> str | None:
    """The kind with boundaries that holds most of the counted records (children counting
    for their parents); on a tie, the finer kind."""
    by_id = {a.pk: a for a in areas}
    kinds = [k for k in Area.Kind.values if any(a.kind == k and a.drawn for a in areas)]
    if not kinds:
        return None
    held = dict.fromkeys(kinds, 0)
    for area_id, n in counts.items():
        area = by_id.get(area_id)
        if area is None:
            continue
        if area.kind in held:
            held[area.kind] += n
        parent = by_id.get(area.parent_id)
        if parent is not None and parent.kind in held and parent.kind != area.kind:
            held[parent.kind] += n
    finer = {Area.Kind.BEAT: 0, Area.Kind.NEIGHBOURHOOD: 1, Area.Kind.SECTOR: 2}
    return min(kinds, key=lambda k: (-held[k], finer.get(k, 3)))


def by_area(counts: dict, *, kind: str | None = None) -> dict:
    """The figure for {area id or None: count}: the table's rows (every area counted, then
    the records not placed) and the drawn level's shapes with their values."""
    areas = _areas()
    by_id = {a.pk: a for a in areas}
    kinds = dict(Area.Kind.choices)
    rows = [
        {
            "id": area_id,
            "code": by_id[area_id].code,
            "name": by_id[area_id].name,
            "kind": str(kinds[by_id[area_id].kind]),
            "n": n,
        }
        for area_id, n in counts.items()
        if area_id in by_id and n
    ]
    rows.sort(key=lambda r: (-r["n"], r["code"]))
    kind = kind or _drawn_kind(areas, counts)
    drawn = [a for a in areas if a.kind == kind and a.drawn and a.is_active]
    polygons = _shapes(drawn)
    values = {a.pk: 0 for a in drawn}
    for area_id, n in counts.items():
        area = by_id.get(area_id)
        if area is None:
            continue
        if area.pk in values:
            values[area.pk] += n
        elif area.parent_id in values:
            values[area.parent_id] += n
    return {
        "kind": kind or "",
        "kind_label": str(kinds.get(kind, "")),
        "rows": rows,
        "not_placed": counts.get(None, 0),
        "total": sum(counts.values()),
        "on_map": sum(values.values()),
        "shapes": [
            {
                "code": a.code,
                "name": a.name,
                "value": values[a.pk],
                "polygons": polygons[a.pk],
            }
            for a in drawn
        ],
    }


def suppressed(figure: dict, *, below: int, hidden_words: str) -> dict:
    """The figure for the public: every count under `below` withheld (zero too, as the
    transparency report's rule has it), in the table and on the map, named by
    `hidden_words` ("fewer than 5")."""

    def hide(n):
        return None if n < below else n

    return {
        **figure,
        "hidden_words": hidden_words,
        "rows": [{**r, "n": hide(r["n"])} for r in figure["rows"]],
        "not_placed": hide(figure["not_placed"]),
        "total": None,
        "on_map": None,
        "shapes": [{**s, "value": hide(s["value"])} for s in figure["shapes"]],
    }


def svg(
    figure: dict,
    title: str,
    *,
    points=(),
    width: int = 520,
    height: int | None = None,
    hidden_words: str = "",
) -> str:
    """The figure drawn (core/maps.py); empty when no area has a boundary. A figure of
    outlines only (the concern page, the picker) is labelled by code, without a legend."""
    shapes = [
        Shape(
            code=s["code"],
            name=s["name"],
            polygons=s["polygons"],
            value=s["value"],
            label=s.get("label", ""),
        )
        for s in figure.get("shapes", [])
    ]
    if not shapes:
        return ""
    return choropleth(
        shapes,
        title,
        points=points,
        width=width,
        height=height,
        hidden_words=hidden_words or figure.get("hidden_words", ""),
        legend=not figure.get("outline"),
    )


def island(figure: dict, *, points=(), pick=False) -> dict:
    """What maps.js reads from the page's JSON data island (staff pages only): the shapes,
    their values and shades (the SVG's), the points and the agency's tile server if any."""
    outline = figure.get("outline")
    values = [s["value"] for s in figure.get("shapes", [])]
    ranges = classes(values)
    # The shades the map uses, as the SVG's legend lists them.
    legend = (
        []
        if outline
        else [
            [shade(low, ranges), str(low) if low == high else f"{low}–{high}"]
            for low, high in ranges
            if any(v is not None and low <= v <= high for v in values)
        ]
    )
    return {
        "legend": legend,
        "shapes": [
            {
                "code": s["code"],
                "name": s["name"],
                "value": None if outline else s["value"],
                "fill": None if outline else shade(s["value"], ranges),
                "polygons": s["polygons"],
            }
            for s in figure.get("shapes", [])
        ],
        "points": [[round(lat, 6), round(lon, 6)] for lon, lat in points][:MAX_POINTS],
        "tiles": settings.CRD_MAP_TILE_URL,
        "attribution": settings.CRD_MAP_TILE_ATTRIBUTION,
        "pick": pick,
        "words": {
            "zoom_in": _("Zoom in"),
            "zoom_out": _("Zoom out"),
            "point": _("The point"),
        },
    }


def boundaries() -> dict:
    """Every active area with a boundary, values zero: the picker's base map. The finest
    kind present is drawn (beats before sectors), so a click lands in a small unit."""
    areas = [a for a in _areas() if a.drawn and a.is_active]
    if not areas:
        return {"shapes": [], "rows": []}
    finer = {Area.Kind.BEAT: 0, Area.Kind.NEIGHBOURHOOD: 1, Area.Kind.SECTOR: 2}
    kind = min({a.kind for a in areas}, key=lambda k: finer.get(k, 3))
    areas = [a for a in areas if a.kind == kind]
    polygons = _shapes(areas)
    return {
        "kind": kind,
        "outline": True,
        "shapes": [
            {
                "code": a.code,
                "name": a.name,
                "value": 0,
                "label": a.code,
                "polygons": polygons[a.pk],
            }
            for a in areas
        ],
        "rows": [],
    }


def area_figure(area: Area | None) -> dict:
    """One area alone (the concern page's small map): its shape, no count."""
    if area is None or not area.drawn:
        return {"shapes": [], "rows": []}
    return {
        "kind": area.kind,
        "outline": True,
        "shapes": [
            {
                "code": area.code,
                "name": area.name,
                "value": 0,
                "label": area.code,
                "polygons": _shapes([area])[area.pk],
            }
        ],
        "rows": [],
    }
