"""Points on concerns and activities (issue 22): from 311's lat/long, a click on the map at
intake, the agency's address list or its geocoder; a point inside a boundary places the
record in that area; public 311 answers carry the point generalised to a block."""

import datetime as dt
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import addresses, geometry
from accounts.areas import Resolver, resolve
from accounts.models import AddressPoint
from concerns import open311, services
from concerns.intake import receive_many
from concerns.models import Concern
from core.conflicts import fingerprint
from outreach.models import OutreachActivity
from tests.accounts.areas_helpers import make_area, square
from tests.concerns.test_area_resolution import intake as area_intake
from tests.factories import AgencyFactory, ConcernFactory

pytestmark = pytest.mark.django_db

# Inside Beat 3's square and its sector's larger one; and a point outside both.
IN_BEAT = (41.605, -88.095)
IN_SECTOR_ONLY = (41.625, -88.075)
OUTSIDE = (41.70, -88.30)


@pytest.fixture
def areas(db):
    AgencyFactory()
    sector = make_area("CS", "Central Sector", kind="sector", boundary=square(size=0.04))
    return {
        "sector": sector,
        "beat": make_area("B3", "Beat 3", boundary=square(), parent=sector),
        "maple": make_area("MH", "Maple Heights", kind="neighbourhood"),
    }


@pytest.fixture
def listed(db):
    AddressPoint.objects.create(
        address="14 BIRCH LANE",
        key=addresses.address_key("14 Birch Lane"),
        latitude=41.605,
        longitude=-88.095,
    )


# --- The rule: a point inside a boundary ----------------------------------------------


def test_a_point_goes_to_the_finest_area_whose_boundary_holds_it(areas):
    resolver = Resolver.load()
    assert resolver.at(*IN_BEAT) == areas["beat"]  # the beat before its sector
    assert resolver.at(*IN_SECTOR_ONLY) == areas["sector"]
    assert resolver.at(*OUTSIDE) is None
    assert resolver.at(None, None) is None
    # On the edge: covered, so inside.
    assert resolver.at(41.60, -88.10) == areas["beat"]


def test_the_point_decides_before_the_typed_place(areas):
    assert resolve("Maple Heights", latitude=IN_BEAT[0], longitude=IN_BEAT[1]) == areas["beat"]
    # Outside every boundary, the typed place still decides.
    assert resolve("Maple Heights", latitude=OUTSIDE[0], longitude=OUTSIDE[1]) == areas["maple"]


def test_an_inactive_area_places_nothing(areas):
    areas["beat"].is_active = False
    areas["beat"].save()
    assert resolve("", latitude=IN_BEAT[0], longitude=IN_BEAT[1]) == areas["sector"]


# --- The address list -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("14 Birch Ln.", "14 birch lane"),
        ("14  BIRCH LANE", "14 birch lane"),
        ("200 N. Main St", "200 north main street"),
        ("", ""),
    ],
)
def test_an_address_key_ignores_case_punctuation_and_abbreviations(typed, key):
    assert addresses.address_key(typed) == key


def test_a_csv_address_list_loads_and_reports_its_bad_lines(db):
    text = (
        "ADDRESS,LAT,LON\n"
        "14 Birch Lane,41.605,-88.095\n"
        "15 Birch Lane,north,-88.095\n"
        ",41.6,-88.1\n"
        "16 Birch Lane,41.606,-188\n"
        "14 BIRCH LN,41.6051,-88.0951\n"
    )
    loaded = addresses.load_text(text, kind="csv")
    assert loaded.rows == 1  # the same address twice in a batch is one row, the last wins
    assert [e.split(":")[0] for e in loaded.errors] == ["Line 3", "Line 4", "Line 5"]
    point = AddressPoint.objects.get()
    assert (point.latitude, point.longitude) == (41.6051, -88.0951)
    # Loading it again replaces the point, it never adds a second row.
    addresses.load_text("address,latitude,longitude\n14 Birch Lane,41.7,-88.2\n", kind="csv")
    assert AddressPoint.objects.get().latitude == 41.7


def test_a_geojson_address_list_loads(db):
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-88.095, 41.605]},
            "properties": {"FULL_ADDRESS": "14 Birch Lane"},
        },
        {"type": "Feature", "geometry": {"type": "LineString"}, "properties": {}},
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    loaded = addresses.load_text(text, kind="geojson")
    assert loaded.rows == 1 and len(loaded.errors) == 1
    assert AddressPoint.objects.get().key == "14 birch lane"


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("street,lat,lon\n1 A St,1,2\n", "csv", "no address column"),
        ("address,where\n1 A St,1\n", "csv", "no latitude and longitude"),
        ("{not json", "geojson", "not GeoJSON"),
        ('{"type": "Feature"}', "geojson", "FeatureCollection"),
    ],
)
def test_a_file_that_is_not_an_address_list_is_refused_in_words(db, text, kind, message):
    with pytest.raises(Exception) as refused:
        addresses.load_text(text, kind=kind)
    assert message in " ".join(refused.value.messages)
    assert not AddressPoint.objects.exists()


def test_the_import_command_loads_a_file_and_says_how_many(db, tmp_path, capsys):
    file = tmp_path / "addresses.csv"
    file.write_text("address,lat,lon\n14 Birch Lane,41.605,-88.095\nbad,x,y\n")
    call_command("import_addresses", str(file))
    out, err = capsys.readouterr()
    assert "1 addresses loaded; 1 on the list" in out and "Line 3" in err
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_addresses", str(tmp_path / "missing.csv"))


# --- An outside geocoder, a real HTTP server on this machine ------------------------------


class _Geocoder(BaseHTTPRequestHandler):
    answers: dict = {}

    def do_GET(self):  # noqa: N802 - the name http.server calls
        query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
        status, body = self.answers.get(query, (200, "[]"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Geocoder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CRD_GEOCODER_URL = f"http://127.0.0.1:{server.server_port}/search?q={{query}}"
    settings.CRD_GEOCODER_TIMEOUT = 2
    _Geocoder.answers = {
        "9 Oak Street": (200, '[{"lat": "41.605", "lon": "-88.095"}]'),
        "10 Oak Street": (
            200,
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [{"geometry": {"type": "Point", "coordinates": [-88.07, 41.62]}}],
                }
            ),
        ),
        "broken": (500, "oops"),
        "strange": (200, '{"lat": "north"}'),
    }
    yield server
    server.shutdown()


def test_the_geocoder_is_asked_only_for_addresses_not_on_the_list(geocoder, listed):
    found = addresses.locate("9 Oak Street")
    assert (found.latitude, found.longitude, found.source) == (41.605, -88.095, "geocoder")
    assert addresses.locate("10 Oak Street").latitude == 41.62
    assert addresses.locate("14 Birch Lane").source == "address_list"
    assert addresses.locate("9 Oak Street", outside=False) is None
    # A broken or strange answer is no point, never an error.
    assert addresses.locate("broken") is None
    assert addresses.locate("strange") is None


def test_without_a_geocoder_nothing_leaves_the_server(settings, listed):
    settings.CRD_GEOCODER_URL = ""
    assert addresses.locate("9 Oak Street") is None
    settings.CRD_GEOCODER_URL = "file:///etc/passwd?{query}"
    assert addresses.geocode("9 Oak Street") is None


# --- Every door ---------------------------------------------------------------------------


def intake(**overrides):
    """The area test's intake form, at a place no area's name is in."""
    return area_intake(**{"area": "Birch Lane by the school", **overrides})


def test_a_point_clicked_at_intake_is_kept_and_places_the_concern(client_for, officer, areas):
    client = client_for(officer)
    response = client.post(
        reverse("concerns:new"), intake(latitude=IN_BEAT[0], longitude=IN_BEAT[1])
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert (concern.latitude, concern.longitude) == IN_BEAT
    assert concern.location_source == "map" and concern.defined_area == areas["beat"]


@pytest.mark.parametrize(
    "point", [{"latitude": "41.6"}, {"latitude": "91", "longitude": "-88"}, {"longitude": "x"}]
)
def test_half_a_point_or_a_point_off_earth_is_refused_keeping_what_was_typed(
    client_for, officer, areas, point
):
    response = client_for(officer).post(reverse("concerns:new"), intake(**point))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Cars speeding past the school" in response.content.decode()
    assert not Concern.objects.exists()


def test_a_typed_address_on_the_list_gets_its_point_at_every_door(
    client, client_for, officer, cro, areas, listed
):
    client_for(officer).post(reverse("concerns:new"), intake(area="14 Birch Ln"))
    feedback = {
        "category": "noise",
        "area": "14 Birch Lane",
        "summary": "Loud music at night",
        "description": "Music until 3 am.",
        "intake_token": str(uuid.uuid4()),
    }
    assert client.post(reverse("feedback"), feedback).status_code == 302
    for concern in Concern.objects.all():
        assert (concern.latitude, concern.longitude) == IN_BEAT
        assert concern.location_source == "address_list"
        assert concern.defined_area == areas["beat"]


def test_an_import_finds_listed_points_in_one_query(areas, listed):
    rows = [
        Concern(
            date_received=dt.date(2021, 1, 4),
            source_type="citizen",
            category="noise",
            area=place,
            description="x",
        )
        for place in ("14 Birch Lane", "14 BIRCH LN", "Nowhere Road")
    ]
    with CaptureQueriesContext(connection) as queries:
        receive_many(rows, lines=[[], [], []])
    asked = [q for q in queries.captured_queries if "accounts_addresspoint" in q["sql"]]
    assert len(asked) == 1
    placed = list(Concern.objects.order_by("id").values_list("latitude", "defined_area__code"))
    assert placed == [(41.605, "B3"), (41.605, "B3"), (None, None)]


def _post_311(data):
    return Client().post(
        reverse("open311:requests", kwargs={"fmt": "json"}),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )


def test_311_keeps_its_point_and_answers_it_generalised_to_the_public(cro, admin_user, areas):
    _, key = open311.issue_key(by=cro, name="City 311 system")
    record, agency_key = open311.issue_key(by=cro, name="City GIS")
    open311.set_key_scope(key=record, scope="agency", by=admin_user)
    response = _post_311(
        {
            "api_key": key,
            "service_code": "noise",
            "address_string": "14 Birch Lane",
            "lat": "41.605123",
            "long": "-88.095678",
            "description": "Loud music every night until 3 am.",
        }
    )
    assert response.status_code == 200
    concern = Concern.objects.get()
    assert (concern.latitude, concern.longitude) == (41.605123, -88.095678)
    assert concern.location_source == "open311" and concern.defined_area == areas["beat"]
    url = reverse("open311:requests", kwargs={"fmt": "json"})
    public = Client().get(url).json()[0]
    assert (public["lat"], public["long"]) == (41.605, -88.096)
    assert public["address"] == "0 block of Birch Lane"
    agency = Client().get(url, {"api_key": agency_key}).json()[0]
    assert (agency["lat"], agency["long"]) == (41.605123, -88.095678)


def test_a_concern_without_a_point_answers_null(cro, areas):
    ConcernFactory(source_type="open311", category="noise")
    row = Client().get(reverse("open311:requests", kwargs={"fmt": "json"})).json()[0]
    assert row["lat"] is None and row["long"] is None


# --- Correcting the details places the concern again ------------------------------------


def _correct(concern, by, **changes):
    shown = concern.editable_values()
    return services.edit_concern(
        concern=concern,
        by=by,
        data={**shown, **changes},
        revision=concern.revision,
        seen=fingerprint(shown),
    )


def test_a_corrected_point_or_place_finds_its_area_again(cro, areas):
    concern = ConcernFactory(area="Maple Heights", defined_area=areas["maple"])
    concern = _correct(concern, cro, latitude=IN_BEAT[0], longitude=IN_BEAT[1])
    assert concern.defined_area == areas["beat"] and concern.location_source == "map"
    # The point taken away: the typed place decides again.
    concern = _correct(concern, cro, latitude=None, longitude=None)
    assert concern.defined_area == areas["maple"] and concern.location_source == ""
    # A place the rule cannot read keeps the area it had.
    concern = _correct(concern, cro, area="by the old water tower")
    assert concern.defined_area == areas["maple"]


def test_an_area_the_cro_chose_is_kept_whatever_the_point(cro, areas):
    concern = ConcernFactory(area="Maple Heights", defined_area=areas["maple"])
    concern = _correct(
        concern, cro, latitude=IN_BEAT[0], longitude=IN_BEAT[1], defined_area=areas["sector"]
    )
    assert concern.defined_area == areas["sector"]


def test_the_correction_form_shows_and_takes_the_point(client_for, cro, areas):
    concern = ConcernFactory(area="Maple Heights", defined_area=areas["maple"])
    client = client_for(cro)
    page = client.get(concern.get_absolute_url() + "?step=edit").content.decode()
    assert 'name="edit-latitude"' in page and 'name="edit-defined_area"' in page


# --- Outreach activities ----------------------------------------------------------------


def test_an_activity_takes_a_point_and_is_placed_by_it(client_for, cro, areas):
    activity = {
        "date": timezone.localdate().isoformat(),
        "kind": "foot_patrol",
        "title": "Walk along Birch Lane",
        "area": "Birch Lane",
        "latitude": IN_BEAT[0],
        "longitude": IN_BEAT[1],
        "attendance": 0,
        "staff_hours": "1",
        "materials_cost": "0",
        "officers": [cro.pk],
        # A foot patrol carries its times and who was told (002 §300.3(d)).
        "start_time": "18:00",
        "end_time": "19:30",
        "supervisor_notified": "on",
        "dispatch_notified_start": "on",
        "dispatch_notified_end": "on",
    }
    response = client_for(cro).post(reverse("outreach:activity-new"), activity)
    assert response.status_code == 302, response.context["form"].errors
    saved = OutreachActivity.objects.get()
    assert saved.defined_area == areas["beat"] and saved.location_source == "map"


# --- The demo and the benchmark volume ---------------------------------------------------


def test_the_volume_seeder_places_and_pins_most_concerns(officer):
    from accounts import demo_areas
    from concerns.volume import seed_volume

    demo_areas.seed()
    seed_volume(count=400, reporters=[officer], years=1, log=lambda *a: None)
    rows = list(Concern.objects.values_list("latitude", "longitude", "defined_area__boundary"))
    pinned = [r for r in rows if r[0] is not None]
    assert 0.6 * len(rows) < len(pinned) < len(rows)
    # Every pinned concern is placed, in the area whose boundary holds its point (spots sit
    # well inside their beats, the scatter is a block).
    for lat, lon, boundary in pinned:
        assert boundary is not None
        assert geometry.contains(boundary, latitude=lat, longitude=lon)
    assert Concern.objects.filter(location_source="map").count() == len(pinned)


def test_the_demo_address_list_finds_the_demo_311_addresses(db):
    from accounts.demo_places import seed_addresses

    assert seed_addresses() > 1000
    assert seed_addresses() == 0  # once
    found = addresses.locate("412 Elm St", outside=False)
    assert found is not None and abs(found.latitude - 41.6) < 0.001


def test_the_admin_finds_an_address_however_it_is_typed(client_for, admin_user, listed):
    admin_client = client_for(admin_user)
    response = admin_client.get("/admin/accounts/addresspoint/", {"q": "14 Birch Ln."})
    assert response.status_code == 200
    assert "14 BIRCH LANE" in response.content.decode()
    response = admin_client.get("/admin/accounts/addresspoint/", {"q": "15 Birch"})
    assert "14 BIRCH LANE" not in response.content.decode()
