"""A service request filed, through the one intake (concerns/intake.py).

A 311 system that gets no answer in time sends the same request again: the same request
(same key, service, text, place and person) within RETRY_WINDOW is answered with the concern
the first one made, never a second. The key's row is locked for the whole request, so two
copies sent at the same moment are taken one after the other and the second finds the
first's receipt (issue 21)."""

import hashlib
import json
import math
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from accounts import ratelimit
from accounts.models import Agency, LocationSource
from concerns.intake import receive
from concerns.models import Concern, Open311Key, Open311Receipt
from concerns.open311.catalog import complaint_process, public_categories
from concerns.open311.texts import (
    CONDUCT,
    CONDUCT_REFUSED,
    DESCRIPTION_LIMIT,
    DESCRIPTION_NONE,
    DESCRIPTION_TOO_LONG,
    EMAIL_INVALID,
    KEY_REVOKED,
    LAT_LONG_INVALID,
    LAT_LONG_PAIR,
    LOCATION_MISSING,
    MEDIA_URL_INVALID,
    PHONE_TOO_LONG,
    RATE_LIMITED,
    RECEIVED_LINE,
    RETRY_WINDOW,
    SERVICE_CODE_MISSING,
    SERVICE_CODE_UNKNOWN,
)
from concerns.summaries import first_sentence

# --- Intake ---------------------------------------------------------------------------


def _field(data: Mapping, name: str) -> str:
    # PostgreSQL refuses NUL characters in text; a client's stray one must not be a 500.
    return (data.get(name) or "").replace("\x00", "").strip()


def _coordinates(lat: str, long: str) -> tuple[float, float] | None:
    if not lat and not long:
        return None
    if not (lat and long):
        raise ValidationError(LAT_LONG_PAIR, code="invalid")
    try:
        lat_f, long_f = float(lat), float(long)
    except ValueError:
        raise ValidationError(LAT_LONG_INVALID, code="invalid") from None
    if not (math.isfinite(lat_f) and math.isfinite(long_f)):
        raise ValidationError(LAT_LONG_INVALID, code="invalid")
    if not (-90 <= lat_f <= 90 and -180 <= long_f <= 180):
        raise ValidationError(LAT_LONG_INVALID, code="invalid")
    return lat_f, long_f


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_request(data: Mapping) -> dict:
    """The form fields of a POST, checked: the concern's fields, or a ValidationError whose
    code says how to answer (400 or 404)."""
    code = _field(data, "service_code")
    if not code:
        raise ValidationError(SERVICE_CODE_MISSING, code="missing")
    if code == CONDUCT:
        raise ValidationError(CONDUCT_REFUSED.format(how=complaint_process()), code="not_found")
    if code not in dict(public_categories()):
        raise ValidationError(SERVICE_CODE_UNKNOWN.format(code=code[:40]), code="not_found")

    address = _field(data, "address_string")
    address_id = _field(data, "address_id")
    point = _coordinates(_field(data, "lat"), _field(data, "long"))
    if address:
        area = address
    elif point:
        area = f"{point[0]:.6f}, {point[1]:.6f}"
    elif address_id:
        area = f"Address ID {address_id}"
    else:
        raise ValidationError(LOCATION_MISSING, code="missing")

    description = _field(data, "description")
    if not description:
        # The specification leaves description optional and no service here asks for more:
        # the service and the place (required above) are then the whole request.
        service = dict(public_categories())[code]
        description = str(DESCRIPTION_NONE) % {"service": service, "place": _shorten(area, 160)}
    if len(description) > DESCRIPTION_LIMIT:
        raise ValidationError(DESCRIPTION_TOO_LONG, code="invalid")
    # The specification has no summary: it is the resident's first sentence, taken before
    # the media line is added, so that a link is never what a list shows.
    summary = first_sentence(description)
    media_url = _field(data, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValidationError(MEDIA_URL_INVALID, code="invalid") from None
        description += f"\n\nMedia: {media_url}"

    email = _field(data, "email")
    if email:
        try:
            if len(email) > 254:
                raise ValidationError(EMAIL_INVALID)
            validate_email(email)
        except ValidationError:
            raise ValidationError(EMAIL_INVALID, code="invalid") from None
    phone = _field(data, "phone")
    if len(phone) > 40:
        raise ValidationError(PHONE_TOO_LONG, code="invalid")
    name = " ".join(v for v in (_field(data, "first_name"), _field(data, "last_name")) if v)
    # The point is kept as sent (issue 22): it places the concern in an area and on maps.
    place = (
        {"latitude": point[0], "longitude": point[1], "location_source": LocationSource.OPEN311}
        if point
        else {}
    )
    return {
        **place,
        "category": code,
        "area": _shorten(area, 160),
        "summary": summary,
        "description": description,
        "source_name": _shorten(name, 120),
        "source_contact": _shorten(" / ".join(v for v in (email, phone) if v), 200),
        "contact_email": email,
        # The 311 system asks the resident; an address given to it is consent to be told
        # when the concern is resolved.
        "consent_to_contact": bool(email),
    }


def hourly_limit() -> int:
    return getattr(settings, "CRD_OPEN311_HOURLY_LIMIT", 120)


def request_digest(fields: dict) -> str:
    """The request as sent, cleaned: two sends of the same request have the same digest."""
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def submit_open311_request(*, key: Open311Key, data: Mapping, limit: int | None = None) -> Concern:
    """A service request from the city's 311 system (the actor is the key). Rate-limited
    per key (accounts.ratelimit); a refused request, or a repeat answered with the concern
    it made, uses none of the quota."""
    limit = hourly_limit() if limit is None else limit
    # The key's row, locked: requests with one key are taken one after the other, so that
    # the count is right and a repeat finds the receipt of the request it repeats.
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise PermissionDenied(KEY_REVOKED)
    fields = clean_request(data)
    digest, now = request_digest(fields), timezone.now()
    earlier = Open311Receipt.objects.filter(
        key=key, digest=digest, received_at__gte=now - RETRY_WINDOW
    ).select_related("concern")
    if receipt := earlier.order_by("-received_at").first():
        return receipt.concern
    client = f"key:{key.pk}"
    if ratelimit.exceeded("open311", client, limit=limit):
        raise ValidationError(RATE_LIMITED, code="rate_limited")
    ratelimit.record("open311", client)
    concern = Concern(
        **fields,
        date_received=timezone.localdate(),
        source_type=Concern.SourceType.OPEN311,
        language="en",
        nature=Concern.Nature.ACTUAL,
    )
    receive(concern, line=RECEIVED_LINE)
    Open311Receipt.objects.create(key=key, digest=digest, concern=concern, received_at=now)
    return concern


def service_notice(concern: Concern, scope: str, agency: Agency | None = None) -> str:
    """What the 311 system may tell the resident. The reference only to an agency key: it
    is sequential, and a public answer never shows it (issue 21)."""
    agency = agency or Agency.load()
    call = f" Questions: call {agency.phone}." if agency.phone else ""
    received = f"Received by {agency.name}"
    if scope == Open311Key.Scope.AGENCY:
        received += f" as {concern.reference}"
    return (
        f"{received}. The Community Relations Officer reviews new concerns and decides the "
        f"next step. In an emergency call 911.{call}"
    )
