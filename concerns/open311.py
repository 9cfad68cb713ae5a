"""Open311 GeoReport v2: the city's 311 system sends residents' concerns here and reads back
their status (http://wiki.open311.org/GeoReport_v2).

One module, in four parts: the keys (issued and revoked by the CRO, only a hash kept), the
intake of a new request (a service function like `submit_public_concern`), the public read
of requests (status only: never a name, a contact, the description or a note), and the
views: the API under /open311/v2/ and the CRO's key page under /concerns/open311-keys/.

Conduct and bias complaints are personnel matters (001 IV.C): they are not a 311 service,
a request for one is refused with the way to the department's own complaint process, and
such concerns never appear in any answer, whatever their source.
"""

import datetime as dt
import json
import math
import re
import secrets
import xml.etree.ElementTree as ET  # nosec B405
from collections.abc import Callable, Mapping
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import ratelimit
from accounts.models import Agency
from concerns.intake import receive
from concerns.models import Concern, Open311Key
from core.permissions import Permission, has_permission, require
from core.web import crumbs, secret_digest, show_errors

CONDUCT = Concern.Category.CONDUCT_BIAS
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list last changed (the categories and their descriptions below): 311
# systems refresh their cached list when this moves.
CHANGESET = "2026-11-23 00:00"
GROUP = "Police community relations"
MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
DESCRIPTION_LIMIT = 4000  # the specification's limit on a description
# The concern's first timeline line, for staff (the API's own texts below stay in English).
RECEIVED_LINE = _("Received from the city's 311 system.")

# --- Messages -------------------------------------------------------------------------

KEY_MISSING = "api_key was not provided: a key is needed to create a service request."
KEY_INVALID = "Invalid api_key received: ask the department's Community Relations Officer for one."
KEY_REVOKED = "This api_key has been revoked: ask the department's Community Relations Officer."
# Shown to the CRO on the key page.
KEY_NAME_REQUIRED = _('Say who will use the key, for example "City 311 system".')
KEY_NAME_TOO_LONG = _("Keep the name under 120 characters.")
KEY_ALREADY_REVOKED = _("This key was already revoked.")
SERVICE_CODE_MISSING = "service_code was not provided."
SERVICE_CODE_UNKNOWN = 'service_code "{code}" was not found: see services.xml for the list.'
CONDUCT_REFUSED = "Complaints about an officer's conduct or bias are not taken through 311. {how}"
LOCATION_MISSING = "A location is required: send lat and long, or address_string, or address_id."
LAT_LONG_PAIR = "lat and long must both be sent."
LAT_LONG_INVALID = "lat and long must be decimal degrees (WGS84): lat -90 to 90, long -180 to 180."
DESCRIPTION_MISSING = (
    "description is required: say what is happening, where and when, so that the department "
    "can act on it."
)
DESCRIPTION_TOO_LONG = f"description is limited to {DESCRIPTION_LIMIT:,} characters."
EMAIL_INVALID = "email is not a valid email address."
PHONE_TOO_LONG = "phone is limited to 40 characters."
MEDIA_URL_INVALID = "media_url must be an http or https URL."
RATE_LIMITED = (
    "Too many service requests with this api_key in the last hour: wait a while before "
    "sending more, or call the department."
)
DATE_INVALID = "{name} must be a W3C datetime, for example 2026-01-01T00:00:00Z."
DATES_REVERSED = "end_date is before start_date."
SPAN_TOO_LONG = "start_date and end_date may not span more than 90 days."
STATUS_INVALID = "status must be open, closed, or both (comma-separated)."
FILTER_CODE_UNKNOWN = 'service_code "{code}" is not a service of this endpoint.'
REQUEST_NOT_FOUND = 'Service request "{id}" was not found.'
FORMAT_UNKNOWN = 'Unknown format "{fmt}": use .xml or .json.'
METHOD_NOT_ALLOWED = "This resource does not accept {method} requests."

# ValidationError codes and the HTTP status each is answered with (the spec: 404 for what
# does not exist, 403 for the key, 400 for anything else; 429 for the rate limit).
STATUS_FOR = {"missing": 400, "invalid": 400, "not_found": 404, "rate_limited": 429}

# --- The services: one per public category --------------------------------------------

SERVICE_TEXT = {
    Concern.Category.TRAFFIC: (
        "Speeding, dangerous driving, cut-through traffic, crossings and traffic safety "
        "around schools.",
        ["speeding", "traffic", "crosswalk", "school zone", "driving"],
    ),
    Concern.Category.PARKING: (
        "Parking problems: blocked driveways, parking that is unsafe or goes on for days.",
        ["parking", "blocked driveway", "abandoned vehicle"],
    ),
    Concern.Category.STREET_LIGHTING: (
        "Dark streets, paths and parks where lighting affects safety.",
        ["street light", "lighting", "dark", "safety"],
    ),
    Concern.Category.NOISE: (
        "Repeated noise: music, parties, vehicles, businesses at night.",
        ["noise", "music", "party", "loud"],
    ),
    Concern.Category.NARCOTICS: (
        "Suspected drug dealing or drug use in a place, as a neighborhood problem. Not for "
        "emergencies or crimes in progress: call 911.",
        ["drugs", "narcotics", "dealing"],
    ),
    Concern.Category.PROPERTY_CRIME: (
        "Patterns of theft, break-ins, vandalism or graffiti in an area. To report a crime "
        "that just happened, call the department; in an emergency call 911.",
        ["theft", "burglary", "vandalism", "graffiti", "break-in"],
    ),
    Concern.Category.VIOLENT_CRIME: (
        "Worries about violence in a neighborhood. Not for emergencies or crimes in "
        "progress: call 911.",
        ["violence", "fights", "assault", "safety"],
    ),
    Concern.Category.YOUTH: (
        "Concerns involving young people: loitering, truancy, a need for activities or programs.",
        ["youth", "teens", "truancy", "school"],
    ),
    Concern.Category.HOMELESSNESS: (
        "People without shelter who may need help, and encampment concerns.",
        ["homeless", "encampment", "shelter"],
    ),
    Concern.Category.QUALITY_OF_LIFE: (
        "Neighborhood conditions that affect safety or well-being: nuisance properties, "
        "littering, loitering.",
        ["quality of life", "nuisance", "neighborhood"],
    ),
    Concern.Category.POLICE_SERVICE: (
        "How the department serves the neighborhood: patrols, response, visibility, "
        "outreach and suggestions.",
        ["police", "patrol", "service", "suggestion", "complaint"],
    ),
    Concern.Category.OTHER: (
        "Any other community concern for the police department.",
        ["other", "police", "community"],
    ),
}


def public_categories() -> list[tuple[str, str]]:
    """Every category a 311 request may use: all but conduct and bias. The names as plain
    text: they are written into JSON."""
    return [(code, str(label)) for code, label in Concern.Category.choices if code != CONDUCT]


def complaint_process(agency: Agency | None = None) -> str:
    """How to make a conduct or bias complaint: the department's own form, its phone."""
    agency = agency or Agency.load()
    form_url = _absolute(reverse("feedback"))
    how = f"Use the department's own complaint form at {form_url}"
    how += f" or call {agency.name} at {agency.phone}." if agency.phone else "."
    return how


def service_list() -> list[dict]:
    how = complaint_process()
    conduct_note = f" Complaints about an officer's conduct or bias: {how}"
    services = []
    for code, label in public_categories():
        description, keywords = SERVICE_TEXT.get(code, (label, [label.lower()]))
        if code in (Concern.Category.POLICE_SERVICE, Concern.Category.OTHER):
            description += conduct_note
        services.append(
            {
                "service_code": code,
                "service_name": label,
                "description": description,
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join(keywords),
                "group": GROUP,
            }
        )
    return services


def discovery() -> dict:
    agency = Agency.load()
    phone = f", {agency.phone}" if agency.phone else ""
    website = f", {agency.website}" if agency.website else ""
    base = reverse("open311:discovery", kwargs={"fmt": "json"}).removesuffix("/discovery.json")
    return {
        "changeset": CHANGESET,
        "contact": f"{agency.name}, Community Relations Officer{phone}{website}",
        "key_service": "Keys are issued by the department's Community Relations Officer"
        f"{' (' + agency.phone + ')' if agency.phone else ''}. Requests can be read "
        "without a key.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _absolute(base),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _absolute(path: str) -> str:
    return settings.CRD_SITE_URL.rstrip("/") + path


# --- Keys -----------------------------------------------------------------------------


def hash_key(raw: str) -> str:
    return secret_digest(raw)


@transaction.atomic
def issue_key(*, by, name: str) -> tuple[Open311Key, str]:
    """A new key for the 311 system. Returns the record and the key itself, which is not
    kept anywhere: the caller shows it once."""
    require(by, Permission.MANAGE_OPEN311_KEYS)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": KEY_NAME_REQUIRED})
    if len(name) > 120:
        raise ValidationError({"name": KEY_NAME_TOO_LONG})
    raw = secrets.token_urlsafe(32)
    record = Open311Key.objects.create(
        name=name, prefix=raw[:8], key_hash=hash_key(raw), created_by=by
    )
    return record, raw


@transaction.atomic
def revoke_key(*, key: Open311Key, by) -> Open311Key:
    """From now on the key is refused (403). Kept, not deleted, so the list says who had it."""
    require(by, Permission.MANAGE_OPEN311_KEYS)
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError(KEY_ALREADY_REVOKED)
    key.revoked_at = timezone.now()
    key.revoked_by = by
    key.save(update_fields=["revoked_at", "revoked_by"])
    return key


def authenticate(raw: str | None) -> Open311Key:
    """The active key behind what a client sent, or PermissionDenied (answered 403). A key
    that is used has its `last_used_at` moved, even if the request is then refused."""
    raw = (raw or "").strip()
    if not raw:
        raise PermissionDenied(KEY_MISSING)
    key = Open311Key.objects.filter(key_hash=hash_key(raw)).first()
    if key is None:
        raise PermissionDenied(KEY_INVALID)
    if key.revoked_at is not None:
        raise PermissionDenied(KEY_REVOKED)
    key.last_used_at = timezone.now()
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=key.last_used_at)
    return key


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


# --- JSON and XML ---------------------------------------------------------------------

FORMATS = ("json", "xml")
# Spark convention: a list in JSON is a wrapping element of items in XML.
XML_ITEM = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute"}
XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_value(parent: ET.Element, tag: str, value) -> None:
    element = ET.SubElement(parent, tag)
    if value is None:
        return
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, list):
        for item in value:
            _xml_value(element, XML_ITEM.get(tag, "item"), item)
    elif isinstance(value, dict):
        for name, item in value.items():
            _xml_value(element, name, item)
    else:
        element.text = XML_INVALID.sub("", str(value))


def respond(fmt: str, data, *, root: str, item: str | None = None, status: int = 200):
    """A JSON document, or the XML the specification names: `root` holds one `item`
    element per entry of a list, or the fields of a dict."""
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
            status=status,
        )
    element = ET.Element(root)
    if isinstance(data, list):
        for entry in data:
            _xml_value(element, item, entry)
    else:
        for name, value in data.items():
            _xml_value(element, name, value)
    body = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def error(fmt: str, status: int, description: str):
    fmt = fmt if fmt in FORMATS else "xml"  # XML is the format every client must read
    return respond(
        fmt,
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def _error_for(fmt: str, exc: ValidationError):
    return error(fmt, STATUS_FOR.get(exc.code, 400), " ".join(exc.messages))


# --- API views ------------------------------------------------------------------------


def api(*methods: str) -> Callable:
    """An Open311 resource: public, no CSRF (a client sends a key, not a cookie), the format
    from the extension, errors in the specification's format."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in FORMATS:
                return error("xml", 404, FORMAT_UNKNOWN.format(fmt=fmt[:20]))
            if request.method not in allowed:
                response = error(fmt, 405, METHOD_NOT_ALLOWED.format(method=request.method))
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except PermissionDenied as exc:
                return error(fmt, 403, str(exc) or KEY_INVALID)
            except ValidationError as exc:
                return _error_for(fmt, exc)

        return login_not_required(csrf_exempt(wrapper))

    return decorate


@api("GET")
def discovery_view(request, fmt):
    return respond(fmt, discovery(), root="discovery")


@api("GET")
def services_view(request, fmt):
    return respond(fmt, service_list(), root="services", item="service")


@api("GET")
def service_definition_view(request, code, fmt):
    """metadata is false for every service, so no attribute is ever asked for: a known code
    answers an empty definition, an unknown one (conduct included) a 404."""
    if code == CONDUCT:
        raise ValidationError(CONDUCT_REFUSED.format(how=complaint_process()), code="not_found")
    if code not in dict(public_categories()):
        raise ValidationError(SERVICE_CODE_UNKNOWN.format(code=code[:40]), code="not_found")
    return respond(fmt, {"service_code": code, "attributes": []}, root="service_definition")


@api("GET", "POST")
def requests_view(request, fmt):
    if request.method == "POST":
        key = authenticate(request.POST.get("api_key"))
        concern = submit_open311_request(key=key, data=request.POST)
        answer = {
            "service_request_id": concern.reference,
            "service_notice": service_notice(concern),
            "account_id": None,
        }
        return respond(fmt, [answer], root="service_requests", item="request")
    concerns = find_requests(request.GET)
    agency = Agency.load()
    rows = [request_fields(concern, agency) for concern in concerns]
    return respond(fmt, rows, root="service_requests", item="request")


@api("GET")
def request_view(request, request_id, fmt):
    concern = find_request(request_id)
    row = request_fields(concern, Agency.load())
    return respond(fmt, [row], root="service_requests", item="request")


# --- The CRO's key page ---------------------------------------------------------------


class IssueKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Who will use the key"),
        max_length=120,
        help_text=_('For example "City 311 system" or the name of a residents\' app.'),
    )


def _may_manage(request) -> None:
    if not has_permission(request.user, Permission.MANAGE_OPEN311_KEYS):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def keys_page(request):
    _may_manage(request)
    form = IssueKeyForm(request.POST or None)
    new_record, new_key, status = None, None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new_record, new_key = issue_key(by=request.user, name=form.cleaned_data["name"])
            except ValidationError as exc:
                show_errors(form, exc)
                status = 400
            else:
                form = IssueKeyForm()
        else:
            status = 400
    response = render(
        request,
        "concerns/open311_keys.html",
        {
            "keys": Open311Key.objects.select_related("created_by", "revoked_by"),
            "form": form,
            "new_record": new_record,
            "new_key": new_key,
            "discovery_url": _absolute(reverse("open311:discovery", kwargs={"fmt": "json"})),
            "breadcrumbs": crumbs((gettext("City 311 keys"), None)),
        },
        status=status,
    )
    # The key is in this page once: no cache anywhere may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def key_revoke(request, pk: int):
    _may_manage(request)
    key = get_object_or_404(Open311Key, pk=pk)
    try:
        revoke_key(key=key, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            gettext(
                "The key “%(name)s” (%(prefix)s…) was revoked: requests sent with it are "
                "refused from now on."
            )
            % {"name": key.name, "prefix": key.prefix},
        )
    return redirect("concerns:open311-keys")
