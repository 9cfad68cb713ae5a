"""Area boundaries from a GeoJSON FeatureCollection, as city GIS offices export them.

The CRO names the feature properties that hold each area's name and code. A feature whose
code is already an area's replaces that area's boundary (its name, kind and place in the
nesting stay as set here); a new code makes a new area of the chosen kind. The file is taken
whole or not at all: every feature is checked first, and the errors are listed by feature.
KML is not read: every GIS tool exports GeoJSON, and a second format doubles the checks.
"""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Area
from core.permissions import Permission, require

# The same cap as a spreadsheet import (imports/reading.py MAX_BYTES): a city's beat file
# is well under 1 MB; a parcel-level file is not what this page is for.
MAX_BYTES = 10 * 1024 * 1024
MAX_FEATURES = 2_000
MAX_ERRORS = 20

TOO_BIG = _("The file is larger than %(mb)d MB. Export only the areas, simplified.")
NOT_JSON = _("The file is not GeoJSON: it cannot be read as JSON text (UTF-8).")
NOT_COLLECTION = _(
    'The file is not a GeoJSON FeatureCollection (its "type" must be "FeatureCollection").'
)
NO_FEATURES = _("The file holds no features.")
TOO_MANY = _("The file holds more than %(limit)d features.")
NO_PROPERTY = _(
    'The features have no property "%(name)s". Properties found in the file: %(found)s.'
)
FEATURE_ERROR = _("Feature %(number)d (%(code)s): %(error)s")
NOT_FEATURE = _("it is not a GeoJSON Feature with a geometry and properties")
EMPTY_VALUE = _('its "%(name)s" is empty')
TOO_LONG = _('its "%(name)s" is longer than %(limit)d characters')
TWICE = _("the code %(code)s appears twice in the file")
MORE_ERRORS = _("… and %(count)d more.")


@dataclass
class ImportResult:
    created: int
    updated: int


def read_collection(data: bytes) -> list[dict]:
    """The features of a GeoJSON FeatureCollection, or a ValidationError in plain words."""
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG, params={"mb": MAX_BYTES // (1024 * 1024)})
    if b"\x00" in data:
        raise ValidationError(NOT_JSON)
    try:
        collection = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ValidationError(NOT_JSON) from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationError(NOT_COLLECTION)
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise ValidationError(NO_FEATURES)
    if len(features) > MAX_FEATURES:
        raise ValidationError(TOO_MANY, params={"limit": MAX_FEATURES})
    return features


def property_names(features: list[dict]) -> list[str]:
    """Every property name the features carry, in first-seen order (for the form's choices)."""
    names: dict[str, None] = {}
    for feature in features[:MAX_FEATURES]:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(properties, dict):
            names.update(dict.fromkeys(str(key) for key in properties))
    return list(names)


def _refuse(constant):
    raise ValueError(constant)  # NaN and Infinity are not JSON


def _text(properties: dict, name: str, limit: int) -> str:
    value = properties.get(name)
    text = "" if value is None else " ".join(str(value).replace("\x00", "").split())
    if not text:
        raise ValidationError(EMPTY_VALUE, params={"name": name})
    if len(text) > limit:
        raise ValidationError(TOO_LONG, params={"name": name, "limit": limit})
    return text


def _check_properties(features, name_property, code_property):
    found = property_names(features)
    for wanted in (name_property, code_property):
        if wanted not in found:
            raise ValidationError(
                NO_PROPERTY,
                params={"name": wanted, "found": ", ".join(found[:30]) or gettext("none")},
            )


@transaction.atomic
def import_boundaries(
    *,
    by,
    data: bytes,
    name_property: str,
    code_property: str,
    kind: str,
    parent: Area | None = None,
) -> ImportResult:
    require(by, Permission.MANAGE_AREAS)
    features = read_collection(data)
    _check_properties(features, name_property, code_property)
    code_field = Area._meta.get_field("code").max_length
    name_field = Area._meta.get_field("name").max_length
    existing = {area.code.casefold(): area for area in Area.objects.select_related("parent").all()}
    seen: set[str] = set()
    errors: list[str] = []
    areas: list[tuple[Area, bool]] = []
    for number, feature in enumerate(features, start=1):
        code = "?"
        try:
            if (
                not isinstance(feature, dict)
                or not isinstance(feature.get("properties"), dict)
                or feature.get("geometry") is None
            ):
                raise ValidationError(NOT_FEATURE)
            code = _text(feature["properties"], code_property, code_field)
            name = _text(feature["properties"], name_property, name_field)
            if code.casefold() in seen:
                raise ValidationError(TWICE, params={"code": code})
            seen.add(code.casefold())
            area = existing.get(code.casefold())
            new = area is None
            if new:
                area = Area(name=name, code=code, kind=kind, parent=parent)
            area.boundary = feature.get("geometry")
            area.full_clean(validate_constraints=False)
            areas.append((area, new))
        except ValidationError as error:
            errors.append(
                str(FEATURE_ERROR)
                % {"number": number, "code": code, "error": " ".join(error.messages)}
            )
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(str(MORE_ERRORS) % {"count": len(errors) - MAX_ERRORS})
        raise ValidationError(shown)
    for area, _new in areas:
        area.save()
    created = sum(1 for _area, new in areas if new)
    return ImportResult(created=created, updated=len(areas) - created)
