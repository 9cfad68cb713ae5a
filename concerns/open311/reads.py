"""GET requests: what a reader may know of concerns, by the scope of their key (issue 21).

Without a key, or with a key of the public scope, a reader sees only what came in through
the public doors (the city's 311 system and the department's feedback form), only in the
categories offered as 311 services, under a random public id, at a block or an area,
never a house number. A key an administrator gave the agency scope also sees the other
doors (officer intake, imports), the location as typed and the internal reference. Conduct
and bias concerns appear in no answer, whatever the key (001 IV.C)."""

import datetime as dt
import uuid
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import Agency
from concerns.models import Concern, Open311Key
from concerns.open311.catalog import public_categories
from concerns.open311.locations import public_degrees, public_location
from concerns.open311.texts import (
    DATE_INVALID,
    DATES_REVERSED,
    FILTER_CODE_UNKNOWN,
    MAX_RESULTS,
    MAX_SPAN,
    REQUEST_NOT_FOUND,
    SPAN_TOO_LONG,
    STATUS_INVALID,
)

PUBLIC = Open311Key.Scope.PUBLIC
AGENCY = Open311Key.Scope.AGENCY
# The doors a resident used knowing the department would answer: what came in through an
# officer or an old spreadsheet was never offered to the public.
PUBLIC_DOORS = (Concern.SourceType.OPEN311, Concern.SourceType.WEB_FORM)

# The only columns an answer is built from. The confidential ones (source, contact,
# description, suggestions, reporter) are not even read.
COLUMNS = (
    "public_id",
    "reference",
    "category",
    "status",
    "public_note",
    "area",
    "latitude",
    "longitude",
    "date_received",
    "created_at",
    "updated_at",
    "resolved_at",
)


def readable(scope: str = PUBLIC) -> QuerySet:
    """The concerns a reader of this scope may see, newest first."""
    qs = Concern.objects.filter(category__in=[code for code, _label in public_categories()])
    if scope != AGENCY:
        qs = qs.filter(source_type__in=PUBLIC_DOORS)
    return qs.only(*COLUMNS).order_by("-date_received", "-id")


def _listed(params: Mapping, name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if getlist else [params.get(name) or ""]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _public_ids(values: list[str]) -> list[uuid.UUID]:
    ids = []
    for value in values:
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue  # not a public id: found nowhere, like any id that does not exist
    return ids


def _by_ids(values: list[str], scope: str) -> Q:
    condition = Q(public_id__in=_public_ids(values))
    if scope == AGENCY:
        condition |= Q(reference__in=values)
    return condition


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


def in_range(start: dt.datetime, end: dt.datetime) -> Q:
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


def find_requests(params: Mapping, scope: str = PUBLIC) -> list[Concern]:
    """GET requests: at most 1,000, newest first, one query."""
    qs = readable(scope)
    ids = _listed(params, "service_request_id")
    if ids:
        # The specification: the ids override every other argument.
        return list(qs.filter(_by_ids(ids[:MAX_RESULTS], scope))[:MAX_RESULTS])

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

    qs = qs.filter(in_range(start, end))
    if codes:
        qs = qs.filter(category__in=codes)
    if statuses == {"open"}:
        qs = qs.exclude(status=Concern.Status.RESOLVED)
    elif statuses == {"closed"}:
        qs = qs.filter(status=Concern.Status.RESOLVED)
    return list(qs[:MAX_RESULTS])


def find_request(request_id: str, scope: str = PUBLIC) -> Concern:
    """One request by its public id (or, for the agency scope, its reference too): an
    internal reference read without that scope is not found (404), like any other."""
    concern = readable(scope).filter(_by_ids([request_id], scope)).first()
    if concern is None:
        raise ValidationError(REQUEST_NOT_FOUND.format(id=request_id[:40]), code="not_found")
    return concern


def _w3(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def request_fields(concern: Concern, agency: Agency, scope: str = PUBLIC) -> dict:
    """What a reader may know of a concern: its status and place, nothing of people."""
    closed = concern.status == Concern.Status.RESOLVED
    updated = concern.resolved_at if closed and concern.resolved_at else concern.updated_at
    fields = {
        "service_request_id": str(concern.public_id),
        "status": "closed" if closed else "open",
        "status_notes": concern.public_note or None,
        "service_name": str(dict(Concern.Category.choices).get(concern.category, concern.category)),
        "service_code": concern.category,
        "agency_responsible": agency.name,
        "requested_datetime": _w3(requested_at(concern)),
        "updated_datetime": _w3(updated),
        # The place the concern is about, at a block or an area: never a house number.
        "address": public_location(concern.area),
        # The point generalised to about a hundred metres (three decimals of a degree), as
        # the address is to its block: a map of requests, never a house.
        "lat": public_degrees(concern.latitude),
        "long": public_degrees(concern.longitude),
    }
    if scope == AGENCY:
        fields["address"] = concern.area or None
        fields["lat"], fields["long"] = concern.latitude, concern.longitude
        fields["agency_reference"] = concern.reference
    return fields
