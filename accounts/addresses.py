"""Where a typed address is: the agency's own address list first, an outside service only if
the agency configured one.

Cities publish their address points (one point per address) as CSV or GeoJSON; the IT office
loads the file with `manage.py import_addresses` and loads it again when the city updates it.
A lookup compares addresses by a key (`address_key`): case, punctuation and the usual street
abbreviations aside, so "14 Birch Ln." finds "14 BIRCH LANE". Nothing here needs the
internet: without `CRD_GEOCODER_URL` an address not on the list simply has no point.
"""

import csv
import io
import json
import logging
import math
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AddressPoint, LocationSource

log = logging.getLogger(__name__)

# Street types as USPS Publication 28 abbreviates them, and directions: the key spells each
# out, whichever way it was typed.
SPELLED = {
    "st": "street",
    "str": "street",
    "ave": "avenue",
    "av": "avenue",
    "rd": "road",
    "dr": "drive",
    "ln": "lane",
    "blvd": "boulevard",
    "ct": "court",
    "pl": "place",
    "ter": "terrace",
    "cir": "circle",
    "hwy": "highway",
    "pkwy": "parkway",
    "sq": "square",
    "trl": "trail",
    "n": "north",
    "s": "south",
    "e": "east",
    "w": "west",
}
WORD = re.compile(r"[^\W_]+")
BATCH = 5_000
MAX_ERRORS = 20
LAT_NAMES = ("latitude", "lat", "y")
LON_NAMES = ("longitude", "lon", "long", "lng", "x")
ADDRESS_NAMES = ("address", "full_address", "fulladdress", "addr", "site_address")

NO_ADDRESS_COLUMN = _(
    "The file has no address column (one of: %(names)s). Columns found: %(found)s."
)
NO_POINT_COLUMNS = _(
    "The file has no latitude and longitude columns (for example latitude and longitude, "
    "or lat and lon). Columns found: %(found)s."
)
ROW_ERROR = _("Line %(line)d: %(error)s")
BAD_POINT = _("the latitude and longitude are not numbers in degrees (WGS 84)")
NO_ADDRESS = _("the address is empty")
NOT_JSON = _("The file is not GeoJSON: it cannot be read as JSON text (UTF-8).")
NOT_POINTS = _('The file is not a GeoJSON FeatureCollection of points with an "address" property.')
UNKNOWN_FORMAT = _("The file must be CSV (.csv) or GeoJSON (.geojson or .json).")


def address_key(text: str) -> str:
    """What two spellings of one address share: '14 Birch Ln.' and '14 BIRCH LANE' both
    give '14 birch lane'."""
    words = WORD.findall((text or "").casefold())
    return " ".join(SPELLED.get(word, word) for word in words)[:200]


def degrees(latitude, longitude) -> tuple[float, float] | None:
    """The point as two floats, or None when it is not a point on Earth in degrees."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


@dataclass
class Found:
    latitude: float
    longitude: float
    source: str


def on_list(texts) -> dict[str, Found]:
    """The listed point of each typed address, in one query: key to point."""
    keys = {address_key(text) for text in texts if text}
    keys.discard("")
    if not keys:
        return {}
    return {
        key: Found(lat, lon, LocationSource.ADDRESS_LIST)
        for key, lat, lon in AddressPoint.objects.filter(key__in=keys).values_list(
            "key", "latitude", "longitude"
        )
    }


def locate(text: str, *, outside: bool = True) -> Found | None:
    """The point of a typed address: the address list, then (when `outside` and the agency
    configured one) the outside service. None when neither knows it."""
    if not (text or "").strip():
        return None
    found = on_list([text]).get(address_key(text))
    if found is None and outside and settings.CRD_GEOCODER_URL:
        found = geocode(text)
    return found


def geocode(text: str) -> Found | None:
    """Ask the agency's geocoder. Its URL holds `{query}` where the address goes; the answer
    may be a list of objects with lat and lon (as Nominatim and Pelias-style services give),
    one such object, or a GeoJSON FeatureCollection of points. A slow, broken or strange
    answer is no point, never an error: the concern is logged without one."""
    url = settings.CRD_GEOCODER_URL.replace("{query}", urllib.parse.quote(text[:200]))
    if not url.startswith(("https://", "http://")):
        return None
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
    try:
        with urllib.request.urlopen(  # noqa: S310  # nosec B310 - the agency's own URL, http(s) only
            request, timeout=settings.CRD_GEOCODER_TIMEOUT
        ) as answer:
            body = json.loads(answer.read(1_000_000))
    except (OSError, ValueError) as error:
        log.warning("geocoder gave no answer: %s", type(error).__name__)
        return None
    point = _first_point(body)
    return Found(*point, LocationSource.GEOCODER) if point else None


def _first_point(body) -> tuple[float, float] | None:
    if isinstance(body, dict) and body.get("type") == "FeatureCollection":
        features = body.get("features") or []
        body = features[0].get("geometry") if features and isinstance(features[0], dict) else None
        if isinstance(body, dict) and body.get("type") == "Point":
            coordinates = body.get("coordinates") or [None, None]
            return degrees(coordinates[1], coordinates[0]) if len(coordinates) >= 2 else None
        return None
    if isinstance(body, list):
        body = body[0] if body else None
    if not isinstance(body, dict):
        return None
    lon = next((body[name] for name in ("lon", "lng", "long", "longitude") if name in body), None)
    lat = body.get("lat", body.get("latitude"))
    return degrees(lat, lon)


# --- The address list --------------------------------------------------------------------


@dataclass
class Loaded:
    rows: int = 0
    errors: list[str] = field(default_factory=list)
    more_errors: int = 0

    def error(self, line: int, message) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(gettext(ROW_ERROR) % {"line": line, "error": message})
        else:
            self.more_errors += 1


def _column(names, wanted) -> str | None:
    lowered = {name.strip().casefold(): name for name in names if name}
    return next((lowered[name] for name in wanted if name in lowered), None)


def _csv_rows(handle):
    reader = csv.DictReader(handle)
    names = reader.fieldnames or []
    address, lat, lon = (
        _column(names, ADDRESS_NAMES),
        _column(names, LAT_NAMES),
        _column(names, LON_NAMES),
    )
    found = ", ".join(n for n in names if n)[:300] or "-"
    if address is None:
        raise ValidationError(
            NO_ADDRESS_COLUMN, params={"names": ", ".join(ADDRESS_NAMES), "found": found}
        )
    if lat is None or lon is None:
        raise ValidationError(NO_POINT_COLUMNS, params={"found": found})
    for line, row in enumerate(reader, start=2):
        yield line, row.get(address), row.get(lat), row.get(lon)


def _geojson_rows(handle):
    try:
        data = json.load(handle)
    except ValueError as error:
        raise ValidationError(NOT_JSON) from error
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValidationError(NOT_POINTS)
    for number, feature in enumerate(data.get("features") or [], start=1):
        geometry = (feature or {}).get("geometry") or {}
        properties = (feature or {}).get("properties") or {}
        coordinates = geometry.get("coordinates") if geometry.get("type") == "Point" else None
        name = _column(properties, ADDRESS_NAMES)
        if not coordinates or len(coordinates) < 2:
            yield number, properties.get(name) if name else None, None, None
        else:
            yield number, properties.get(name) if name else None, coordinates[1], coordinates[0]


def load(handle, *, kind: str) -> Loaded:
    """Add or replace address points from an open text file ('csv' or 'geojson'): an
    address already listed takes the file's point. Rows with errors are skipped and listed;
    the others load in batches of BATCH, so a city's 400,000 addresses never sit in memory
    at once."""
    if kind not in ("csv", "geojson"):
        raise ValidationError(UNKNOWN_FORMAT)
    loaded = Loaded()
    rows = _csv_rows(handle) if kind == "csv" else _geojson_rows(handle)
    batch: dict[str, AddressPoint] = {}
    for line, address, latitude, longitude in rows:
        address = " ".join(str(address or "").split())[:200]
        key = address_key(address)
        point = degrees(latitude, longitude)
        if not key:
            loaded.error(line, NO_ADDRESS)
        elif point is None:
            loaded.error(line, BAD_POINT)
        else:
            batch[key] = AddressPoint(
                address=address, key=key, latitude=point[0], longitude=point[1]
            )
            if len(batch) >= BATCH:
                loaded.rows += _save(batch)
    loaded.rows += _save(batch)
    return loaded


def _save(batch: dict) -> int:
    if batch:
        AddressPoint.objects.bulk_create(
            list(batch.values()),
            update_conflicts=True,
            unique_fields=["key"],
            update_fields=["address", "latitude", "longitude", "imported_at"],
        )
    count = len(batch)
    batch.clear()
    return count


def load_text(text: str, *, kind: str) -> Loaded:
    return load(io.StringIO(text), kind=kind)
