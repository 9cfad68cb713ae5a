"""Maps on pages: `{% area_map figure title %}` draws a "by area" figure (accounts/maps.py)
as SVG with its table; on staff pages it also leaves the figure in a JSON data island that
static/js/maps.js turns into a pan-and-zoom map. `{% map_pick lat lon %}` is the intake
picker: a map whose click fills the two given inputs. Public pages pass public=True: the
SVG and the table only, never points, never the data island."""

from django import template
from django.templatetags.static import static

from accounts import maps

register = template.Library()


def _next_id(context, prefix: str) -> str:
    """An element id unique in the page, the same on every render of the same page."""
    request = context.get("request")
    number = getattr(request, "_crd_map_count", 0) + 1
    if request is not None:
        request._crd_map_count = number
    return f"{prefix}-{number}"


def _assets(context) -> dict | None:
    """Leaflet and maps.js, once a page: the tags bring them, so a template that uses a
    tag needs nothing else (the intake forms are another engineer's templates)."""
    request = context.get("request")
    if request is not None and getattr(request, "_crd_map_assets", False):
        return None
    if request is not None:
        request._crd_map_assets = True
    return {
        "css": static("vendor/leaflet-1.9.4/leaflet.css"),
        "js": static("vendor/leaflet-1.9.4/leaflet.js"),
        "maps": static("js/maps.js"),
    }


def _field_id(field) -> str:
    """The input's id for a bound field, or the string itself."""
    if isinstance(field, str):
        return field
    return getattr(field, "id_for_label", "") or getattr(field, "auto_id", "") or field.html_name


@register.inclusion_tag("accounts/_area_map.html", takes_context=True)
def area_map(context, figure, title, points=None, public=False, table=True, width=420):
    figure = figure or {}
    points = [] if public else list(points or [])[: maps.MAX_POINTS]
    drawn = maps.svg(figure, title, points=points, width=width)
    map_id = _next_id(context, "area-map")
    island = None
    if not public and drawn:
        island = maps.island(figure, points=points)
    return {
        "svg": drawn,
        "figure": figure,
        "title": title,
        "public": public,
        "table": table and bool(figure.get("rows") or figure.get("not_placed")),
        "island": island,
        "map_id": map_id,
        "island_id": f"{map_id}-data",
        "assets": _assets(context) if island else None,
    }


@register.inclusion_tag("accounts/_map_pick.html", takes_context=True)
def map_pick(context, latitude, longitude):
    figure = maps.boundaries()
    island = maps.island(figure, pick=True)
    island["latitude_id"] = _field_id(latitude)
    island["longitude_id"] = _field_id(longitude)
    map_id = _next_id(context, "map-pick")
    return {
        "island": island,
        "has_shapes": bool(figure["shapes"]),
        "map_id": map_id,
        "island_id": f"{map_id}-data",
        "assets": _assets(context),
    }


@register.inclusion_tag("accounts/_area_map.html", takes_context=True)
def place_map(context, area, latitude, longitude, title):
    """A record's own place (the concern page): its area's outline and its point; with a
    point and no area, every boundary of the finest kind, so the point has a setting."""
    point = [(longitude, latitude)] if latitude is not None and longitude is not None else []
    figure = maps.area_figure(area)
    if not figure["shapes"] and point:
        figure = maps.boundaries()
    drawn = maps.svg(figure, title, points=point, width=320)
    map_id = _next_id(context, "place-map")
    island = maps.island(figure, points=point) if drawn else None
    return {
        "svg": drawn,
        "figure": figure,
        "title": title,
        "public": False,
        "small": True,
        "table": False,
        "island": island,
        "map_id": map_id,
        "island_id": f"{map_id}-data",
        "assets": _assets(context) if island else None,
    }


@register.simple_tag
def map_svg(figure, title, width=520, height=None):
    """The SVG alone, without points, for a PDF that shows the figures in its own lines;
    `height` keeps a map to the room a one-page PDF has for it."""
    return maps.svg(figure or {}, title, width=width, height=height)
