"""Maps (issue 22): the SVG renderer (core/maps.py), areas as shapes (accounts/maps.py) and
the template tags (accounts/templatetags/maps.py). The pages are in test_maps_pages.py."""

import json
import math
import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from accounts import maps as area_maps
from accounts.models import Area
from core import maps
from tests.factories import UserFactory

SQUARE = [[[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]]


def rect(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


def make_town():
    """Two beats side by side in one sector, and a neighbourhood across both."""
    sector = Area.objects.create(
        name="Central", code="CS", kind=Area.Kind.SECTOR, boundary=rect(-88.2, 41.5, -88.0, 41.6)
    )
    west = Area.objects.create(
        name="West beat",
        code="B1",
        kind=Area.Kind.BEAT,
        parent=sector,
        boundary=rect(-88.2, 41.5, -88.1, 41.6),
    )
    east = Area.objects.create(
        name="East beat",
        code="B2",
        kind=Area.Kind.BEAT,
        parent=sector,
        boundary=rect(-88.1, 41.5, -88.0, 41.6),
    )
    hood = Area.objects.create(
        name="Maple Heights",
        code="MH",
        kind=Area.Kind.NEIGHBOURHOOD,
        boundary=rect(-88.15, 41.52, -88.05, 41.58),
    )
    return sector, west, east, hood


# --- The renderer ---


def test_projection_scales_longitude_by_the_cosine_of_the_latitude():
    box = (10.0, 59.9, 10.2, 60.1)  # 0.2 degrees each way, at 60 N: half as wide as tall
    project = maps.projection(box, 400, 400, pad=0)
    left, top = project(10.0, 60.1)
    right, bottom = project(10.2, 59.9)
    assert (round(top), round(bottom)) == (0, 400)
    width = right - left
    assert width == pytest.approx(400 * math.cos(math.radians(60)), rel=0.01)
    assert left == pytest.approx((400 - width) / 2)  # centred


def test_projection_puts_north_up_and_east_right():
    project = maps.projection((0, 0, 1, 1), 100, 100)
    x_west, y_north = project(0, 1)
    x_east, y_south = project(1, 0)
    assert x_east > x_west and y_south > y_north


def test_classes_and_shades_go_from_light_to_dark():
    ranges = maps.classes([0, 3, 12, 40])
    assert ranges[0] == (0, 0) and ranges[-1][1] >= 40
    assert maps.shade(0, ranges) == maps.SHADES[0]
    assert maps.shade(40, ranges) == maps.SHADES[-1]
    assert maps.shade(None, ranges) == maps.NO_VALUE
    assert maps.classes([0, 0]) == [(0, 0)]
    # Small counts get one shade per value, not empty steps.
    assert maps.classes([0, 2]) == [(0, 0), (1, 1), (2, 2)]


def test_choropleth_is_an_image_with_a_title_labels_and_a_legend():
    shapes = [
        maps.Shape(code="B1", name="Beat <1>", polygons=SQUARE, value=3),
        maps.Shape(
            code="B2", name="Beat 2", polygons=[[[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]], value=9
        ),
    ]
    svg = str(maps.choropleth(shapes, "Open concerns by beat"))
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="Open concerns by beat"' in svg
    assert "<title>Open concerns by beat</title>" in svg
    assert "B1 · 3" in svg and "B2 · 9" in svg
    assert "Beat &lt;1&gt;" in svg and "Beat <1>" not in svg  # names are escaped
    legend = svg[svg.index('class="map-legend"') :]
    assert "1–5" in legend and "6–10" in legend
    # The darker area is the one with more.
    fills = {code: fill for fill, code in re.findall(r'fill="(#\w+)"[^>]*data-code="(B\d)"', svg)}
    assert maps.SHADES.index(fills["B2"]) > maps.SHADES.index(fills["B1"])
    assert "<circle" not in svg


def test_choropleth_draws_points_inside_the_map_only():
    shapes = [maps.Shape(code="B1", name="Beat 1", polygons=SQUARE, value=1)]
    svg = str(maps.choropleth(shapes, "t", points=[(0.5, 0.5), (0.2, 0.9), (40.0, 40.0)]))
    assert svg.count('class="map-point"') == 2
    assert "one record" in svg  # the legend says what a dot is
    # Drawn over the labels: a point at the area's middle is not hidden by its label.
    assert svg.index('class="map-point"') > svg.rindex("<text", 0, svg.index("map-legend"))


def test_choropleth_greys_a_withheld_value_and_names_it():
    shapes = [
        maps.Shape(code="B1", name="Beat 1", polygons=SQUARE, value=None),
        maps.Shape(
            code="B2", name="Beat 2", polygons=[[[[1, 0], [2, 0], [2, 1], [1, 0]]]], value=8
        ),
    ]
    svg = str(maps.choropleth(shapes, "t", hidden_words="fewer than 5"))
    assert f'fill="{maps.NO_VALUE}"' in svg
    assert "fewer than 5" in svg
    assert ">0<" not in svg  # no shape is zero, so the legend does not offer it


def test_choropleth_of_nothing_is_empty():
    assert maps.choropleth([], "t") == ""


# --- Areas as shapes ---


@pytest.mark.django_db
def test_by_area_draws_the_beats_when_beats_hold_most():
    _sector, west, east, hood = make_town()
    figure = area_maps.by_area({west.pk: 4, east.pk: 2, hood.pk: 1, None: 5})
    assert figure["kind"] == Area.Kind.BEAT
    assert {s["code"]: s["value"] for s in figure["shapes"]} == {"B1": 4, "B2": 2}
    assert [(r["code"], r["n"]) for r in figure["rows"]] == [("B1", 4), ("B2", 2), ("MH", 1)]
    assert (figure["not_placed"], figure["total"], figure["on_map"]) == (5, 12, 6)
    json.dumps(figure)  # frozen with a report: plain data


@pytest.mark.django_db
def test_by_area_rolls_beats_into_their_sector_when_sectors_are_drawn():
    sector, west, east, _hood = make_town()
    figure = area_maps.by_area({west.pk: 4, east.pk: 2, sector.pk: 1}, kind=Area.Kind.SECTOR)
    assert {s["code"]: s["value"] for s in figure["shapes"]} == {"CS": 7}


@pytest.mark.django_db
def test_by_area_without_boundaries_has_rows_and_no_shapes():
    beat = Area.objects.create(name="Beat 9", code="B9", kind=Area.Kind.BEAT)
    figure = area_maps.by_area({beat.pk: 3})
    assert figure["shapes"] == [] and figure["rows"][0]["n"] == 3
    assert area_maps.svg(figure, "t") == ""


def test_suppressed_withholds_every_count_under_the_limit():
    figure = {
        "rows": [{"code": "B1", "n": 7}, {"code": "B2", "n": 2}],
        "not_placed": 4,
        "total": 13,
        "on_map": 9,
        "shapes": [
            {"code": "B1", "value": 7},
            {"code": "B2", "value": 2},
            {"code": "B3", "value": 0},
        ],
    }
    public = area_maps.suppressed(figure, below=5, hidden_words="fewer than 5")
    assert [r["n"] for r in public["rows"]] == [7, None]
    assert [s["value"] for s in public["shapes"]] == [7, None, None]
    assert public["not_placed"] is None and public["total"] is None
    assert public["hidden_words"] == "fewer than 5"


# --- The template tags ---


def _render(text, context):
    return Template("{% load maps %}" + text).render(Context(context))


@pytest.mark.django_db
def test_area_map_on_a_staff_page_carries_the_data_island_and_points():
    _sector, west, east, _hood = make_town()
    figure = area_maps.by_area({west.pk: 2, east.pk: 1})
    request = RequestFactory().get("/")
    html = _render(
        "{% area_map figure 'By beat' points=points %}",
        {"figure": figure, "points": [(-88.15, 41.55)], "request": request},
    )
    assert 'role="img"' in html and 'class="map-point"' in html
    island = json.loads(re.search(r'<script id="area-map-1-data"[^>]*>(.*?)</script>', html)[1])
    assert island["points"] == [[41.55, -88.15]] and island["tiles"] == ""
    assert {s["code"] for s in island["shapes"]} == {"B1", "B2"}
    assert "leaflet.js" in html and "js/maps.js" in html
    assert "<table" in html and "West beat" in html  # the figures as text


@pytest.mark.django_db
def test_area_map_on_a_public_page_never_has_points_nor_scripts():
    _sector, west, east, _hood = make_town()
    figure = area_maps.by_area({west.pk: 2, east.pk: 1})
    html = _render(
        "{% area_map figure 'By beat' points=points public=True %}",
        {"figure": figure, "points": [(-88.15, 41.55)], "request": RequestFactory().get("/")},
    )
    assert 'role="img"' in html
    assert "map-point" not in html and "<script" not in html and "<table" in html


@pytest.mark.django_db
def test_the_tile_server_setting_reaches_the_map(settings):
    settings.CRD_MAP_TILE_URL = "https://gis.example.test/{z}/{x}/{y}.png"
    settings.CRD_MAP_TILE_ATTRIBUTION = "City GIS"
    _sector, west, _east, _hood = make_town()
    island = area_maps.island(area_maps.by_area({west.pk: 1}))
    assert island["tiles"].startswith("https://gis.example.test/")
    assert island["attribution"] == "City GIS"


@pytest.mark.django_db
def test_map_pick_works_with_any_bound_field():
    from django import forms

    class PointForm(forms.Form):
        latitude = forms.FloatField(required=False)
        longitude = forms.FloatField(required=False)

    make_town()
    form = PointForm(prefix="c")
    html = _render(
        "{% map_pick form.latitude form.longitude %}",
        {"form": form, "request": RequestFactory().get("/")},
    )
    island = json.loads(re.search(r'<script id="map-pick-1-data"[^>]*>(.*?)</script>', html)[1])
    assert (island["latitude_id"], island["longitude_id"]) == ("id_c-latitude", "id_c-longitude")
    assert island["pick"] is True and {s["code"] for s in island["shapes"]} == {"B1", "B2"}
    assert "Clear the point" in html
    # Hidden until the script shows it: without scripts the inputs alone are the picker.
    assert re.search(r'class="map-pick-frame"[^>]*\bhidden\b', html)


def test_map_pick_takes_plain_ids_too(db):
    html = _render("{% map_pick 'lat' 'lon' %}", {"request": RequestFactory().get("/")})
    assert '"latitude_id": "lat"' in html


@pytest.mark.django_db
def test_assets_come_once_a_page():
    _sector, west, _east, _hood = make_town()
    figure = area_maps.by_area({west.pk: 1})
    request = RequestFactory().get("/")
    request.user = UserFactory.build()
    html = _render(
        "{% area_map figure 'a' %}{% area_map figure 'b' %}", {"figure": figure, "request": request}
    )
    assert html.count("leaflet.js") == 1
    assert 'id="area-map-1"' in html and 'id="area-map-2"' in html
