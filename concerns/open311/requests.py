"""A service request filed (through the one intake, concerns/intake.py), and the public
read of requests: status only, never a name, a contact, the description or a note."""

import datetime as dt
import math
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts import ratelimit
from accounts.models import Agency
from concerns.intake import receive
from concerns.models import Concern, Open311Key
from concerns.open311.catalog import complaint_process, public_categories
from concerns.open311.texts import (
    CONDUCT,
    CONDUCT_REFUSED,
    DATE_INVALID,
    DATES_REVERSED,
    DESCRIPTION_LIMIT,
    DESCRIPTION_MISSING,
    DESCRIPTION_TOO_LONG,
    EMAIL_INVALID,
    FILTER_CODE_UNKNOWN,
    KEY_REVOKED,
    LAT_LONG_INVALID,
    LAT_LONG_PAIR,
    LOCATION_MISSING,
    MAX_RESULTS,
    MAX_SPAN,
    MEDIA_URL_INVALID,
    PHONE_TOO_LONG,
    RATE_LIMITED,
    RECEIVED_LINE,
    REQUEST_NOT_FOUND,
    SERVICE_CODE_MISSING,
    SERVICE_CODE_UNKNOWN,
    SPAN_TOO_LONG,
    STATUS_INVALID,
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
        raise ValidationError(DESCRIPTION_MISSING, code="missing")
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
    return {
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


@transaction.atomic
def submit_open311_request(*, key: Open311Key, data: Mapping, limit: int | None = None) -> Concern:
    """A service request from the city's 311 system (the actor is the key). Rate-limited
    per key (accounts.ratelimit); a refused request uses none of the quota."""
    limit = hourly_limit() if limit is None else limit
    # The key's row, locked: requests with one key are counted one after the other.
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise PermissionDenied(KEY_REVOKED)
    client = f"key:{key.pk}"
    if ratelimit.exceeded("open311", client, limit=limit):
        raise ValidationError(RATE_LIMITED, code="rate_limited")
    fields = clean_request(data)  # a refused request uses none of the quota
    ratelimit.record("open311", client)
    concern = Concern(
        **fields,
        date_received=timezone.localdate(),
        source_type=Concern.SourceType.OPEN311,
        language="en",
        nature=Concern.Nature.ACTUAL,
    )
    return receive(concern, line=RECEIVED_LINE)


def service_notice(concern: Concern, agency: Agency | None = None) -> str:
    agency = agency or Agency.load()
    call = f" Questions: call {agency.phone}." if agency.phone else ""
    return (
        f"Received by {agency.name} as {concern.reference}. The Community Relations Officer "
        f"reviews new concerns and decides the next step. In an emergency call 911.{call}"
    )


# --- Public reads ---------------------------------------------------------------------

# The only columns a public answer is built from. The confidential ones (source, contact,
# description, suggestions, reporter) are not even read.
PUBLIC_COLUMNS = (
    "reference",
    "category",
    "status",
    "public_note",
    "area",
    "date_received",
    "created_at",
    "updated_at",
    "resolved_at",
)


def _public() -> QuerySet:
    return (
        Concern.objects.exclude(category=CONDUCT)
        .only(*PUBLIC_COLUMNS)
        .order_by("-date_received", "-id")
    )


def _listed(params: Mapping, name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else [params.get(name) or ""]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _moment(params: Mapping, name: str) -> dt.datetime | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None:
        raise ValidationError(DATE_INVALID.format(name=name), code="invalid")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def requested_at(concern: Concern) -> dt.datetime:
    """When the request was made: the moment it was recorded when that was the day it was
    received (311, the web form, most intakes), else the start of the day received (a
    concern logged days later, an imported record): the date a resident knows is kept."""
    created = timezone.localtime(concern.created_at)
    if created.date() == concern.date_received:
        return created
    return _midnight(concern.date_received)


def _in_range(start: dt.datetime, end: dt.datetime) -> Q:
    """`requested_at()` between start and end, as a filter the date index can serve: the
    range of days received, with the moment checked only on the first and last day."""
    first, last = timezone.localdate(start), timezone.localdate(end)
    condition = Q(date_received__gte=first, date_received__lte=last)
    first_midnight, after_first = _midnight(first), _midnight(first + dt.timedelta(days=1))
    if start > first_midnight:
        # On the first day only what was recorded that day, at or after start.
        condition &= ~Q(date_received=first) | Q(created_at__gte=start, created_at__lt=after_first)
    last_midnight, after_last = _midnight(last), _midnight(last + dt.timedelta(days=1))
    condition &= (
        ~Q(date_received=last)
        | Q(created_at__gte=last_midnight, created_at__lte=end)
        | Q(created_at__gte=after_last)
        | Q(created_at__lt=last_midnight)
    )
    return condition


def find_requests(params: Mapping) -> list[Concern]:
    """GET requests: at most 1,000, newest first, one query. Conduct never appears."""
    qs = _public()
    ids = _listed(params, "service_request_id")
    if ids:
        # The specification: the ids override every other argument.
        return list(qs.filter(reference__in=ids[:MAX_RESULTS])[:MAX_RESULTS])

    codes = _listed(params, "service_code")
    public = dict(public_categories())
    for code in codes:
        if code not in public:
            raise ValidationError(FILTER_CODE_UNKNOWN.format(code=code[:40]), code="invalid")
    statuses = set(_listed(params, "status"))
    if not statuses <= {"open", "closed"}:
        raise ValidationError(STATUS_INVALID, code="invalid")

    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise ValidationError(DATES_REVERSED, code="invalid")
    if end - start > MAX_SPAN:
        raise ValidationError(SPAN_TOO_LONG, code="invalid")

    qs = qs.filter(_in_range(start, end))
    if codes:
        qs = qs.filter(category__in=codes)
    if statuses == {"open"}:
        qs = qs.exclude(status=Concern.Status.RESOLVED)
    elif statuses == {"closed"}:
        qs = qs.filter(status=Concern.Status.RESOLVED)
    return list(qs[:MAX_RESULTS])


def find_request(request_id: str) -> Concern:
    concern = _public().filter(reference=request_id).first()
    if concern is None:
        raise ValidationError(REQUEST_NOT_FOUND.format(id=request_id[:40]), code="not_found")
    return concern


def _w3(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def request_fields(concern: Concern, agency: Agency) -> dict:
    """What the public may know of a concern: its status and place, nothing of people."""
    closed = concern.status == Concern.Status.RESOLVED
    updated = concern.resolved_at if closed and concern.resolved_at else concern.updated_at
    return {
        "service_request_id": concern.reference,
        "status": "closed" if closed else "open",
        "status_notes": concern.public_note or None,
        "service_name": str(dict(Concern.Category.choices).get(concern.category, concern.category)),
        "service_code": concern.category,
        "agency_responsible": agency.name,
        "requested_datetime": _w3(requested_at(concern)),
        "updated_datetime": _w3(updated),
        # The area is the place the concern is about (a street, a park), not a person.
        "address": concern.area or None,
    }
