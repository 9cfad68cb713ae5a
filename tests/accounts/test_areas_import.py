"""Area boundaries from a GeoJSON FeatureCollection (issue 22): a good file, bad geometry,
the wrong type, a file too big, and the page that takes it."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts import area_import
from accounts.area_import import import_boundaries
from accounts.models import Area
from tests.accounts.areas_helpers import make_area, square

pytestmark = pytest.mark.django_db


def feature(code, name, geometry=None, **more):
    return {
        "type": "Feature",
        "properties": {"BEAT_NUM": code, "BEAT_NAME": name, **more},
        "geometry": geometry if geometry is not None else square(-88.1, 41.6),
    }


def collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def run(user, data, **kwargs):
    options = {"name_property": "BEAT_NAME", "code_property": "BEAT_NUM", "kind": "beat"}
    return import_boundaries(by=user, data=data, **{**options, **kwargs})


def test_import_creates_new_areas_and_replaces_known_boundaries(cro):
    sector = make_area("S1", "Sector 1", kind="sector")
    known = make_area("B1", "Beat One (as the CRO named it)", kind="beat", parent=sector)
    data = collection(
        feature("b1", "BEAT 1", square(-88.2, 41.5)),
        feature("B2", "Beat 2"),
        feature(
            "B3",
            "Beat 3",
            {"type": "MultiPolygon", "coordinates": [square(-88.0, 41.6)["coordinates"]]},
        ),
    )
    result = run(cro, data, parent=sector)
    assert (result.created, result.updated) == (2, 1)
    known.refresh_from_db()
    # The known area's boundary is replaced; its name, kind and parent stay.
    assert known.name == "Beat One (as the CRO named it)"
    assert known.min_longitude == -88.2
    new = Area.objects.get(code="B2")
    assert (new.name, new.kind, new.parent) == ("Beat 2", "beat", sector)
    assert Area.objects.get(code="B3").boundary["type"] == "MultiPolygon"


def test_import_refuses_the_whole_file_and_lists_each_bad_feature(cro):
    bow_tie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    point = {"type": "Point", "coordinates": [-88.1, 41.6]}
    data = collection(
        feature("B1", "Beat 1"),
        feature("B2", "Beat 2", bow_tie),
        feature("B3", "Beat 3", point),
        feature("B1", "Beat 1 again"),
        feature("", "No code"),
    )
    with pytest.raises(ValidationError) as error:
        run(cro, data)
    messages = error.value.messages
    assert messages[0].startswith("Feature 2 (B2): The boundary is not a valid shape")
    assert messages[1] == (
        "Feature 3 (B3): A boundary must be a Polygon or a MultiPolygon, not Point."
    )
    assert messages[2] == "Feature 4 (B1): the code B1 appears twice in the file"
    assert messages[3] == 'Feature 5 (?): its "BEAT_NUM" is empty'
    assert Area.objects.count() == 0  # nothing taken


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not json at all", "cannot be read as JSON"),
        (b'{"type": "Feature"}', "FeatureCollection"),
        (json.dumps({"type": "Polygon", "coordinates": []}).encode(), "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "no features"),
        (b'{"type": "FeatureCollection", "features": [NaN]}', "cannot be read as JSON"),
        (b"\xff\xfe{", "cannot be read as JSON"),
        (b'{"type": "FeatureCollection",\x00 "features": []}', "cannot be read as JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "cannot be read as JSON"),
    ],
)
def test_import_refuses_what_is_not_a_feature_collection(cro, data, message):
    with pytest.raises(ValidationError) as error:
        run(cro, data)
    assert message in " ".join(error.value.messages)


def test_import_names_the_properties_the_file_has(cro):
    with pytest.raises(ValidationError) as error:
        run(cro, collection(feature("B1", "Beat 1")), name_property="NAME")
    assert error.value.messages == [
        'The features have no property "NAME". Properties found in the file: BEAT_NUM, BEAT_NAME.'
    ]


def test_import_refuses_a_file_too_big_or_too_many_features(cro, monkeypatch):
    monkeypatch.setattr(area_import, "MAX_BYTES", 1000)
    big = collection(*[feature(f"B{i}", f"Beat {i}") for i in range(20)])
    with pytest.raises(ValidationError, match="larger than"):
        run(cro, big)
    monkeypatch.setattr(area_import, "MAX_BYTES", 10**7)
    monkeypatch.setattr(area_import, "MAX_FEATURES", 5)
    with pytest.raises(ValidationError, match="more than 5 features"):
        run(cro, big)


def test_import_needs_the_permission(officer, chief):
    from django.core.exceptions import PermissionDenied

    for user in (officer, chief):
        with pytest.raises(PermissionDenied):
            run(user, collection(feature("B1", "Beat 1")))


def test_import_page_takes_a_file_and_shows_errors_without_a_500(client_for, cro):
    client = client_for(cro)
    url = reverse("accounts:area-import")
    assert client.get(url).status_code == 200
    good = SimpleUploadedFile("beats.geojson", collection(feature("B1", "Beat 1")))
    form = {"name_property": "BEAT_NAME", "code_property": "BEAT_NUM", "kind": "beat"}
    response = client.post(url, {**form, "file": good})
    assert response.status_code == 302
    assert Area.objects.filter(code="B1").exists()
    point = {"type": "Point", "coordinates": [-88.1, 41.6]}
    bad = SimpleUploadedFile("beats.geojson", collection(feature("B9", "Beat 9", point)))
    response = client.post(url, {**form, "file": bad})
    assert response.status_code == 200
    assert "not Point" in response.content.decode()
    wrong_name = SimpleUploadedFile("beats.kml", b"<kml/>")
    response = client.post(url, {**form, "file": wrong_name})
    assert response.status_code == 200
    assert "Choose a .geojson or .json file." in response.content.decode()
    assert not Area.objects.filter(code="B9").exists()


def test_import_page_refuses_a_big_upload_before_reading_it(client_for, cro, monkeypatch):
    from accounts import area_forms

    monkeypatch.setattr(area_forms, "MAX_BYTES", 100)
    client = client_for(cro)
    big = SimpleUploadedFile("beats.geojson", collection(feature("B1", "Beat 1")))
    response = client.post(
        reverse("accounts:area-import"),
        {"name_property": "BEAT_NAME", "code_property": "BEAT_NUM", "kind": "beat", "file": big},
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert Area.objects.count() == 0
