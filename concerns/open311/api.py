"""The API's views under /open311/v2/."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Agency
from concerns.open311.catalog import complaint_process, discovery, public_categories, service_list
from concerns.open311.formats import FORMATS, _error_for, error, respond
from concerns.open311.keys import authenticate
from concerns.open311.requests import (
    find_request,
    find_requests,
    request_fields,
    service_notice,
    submit_open311_request,
)
from concerns.open311.texts import (
    CONDUCT,
    CONDUCT_REFUSED,
    FORMAT_UNKNOWN,
    KEY_INVALID,
    METHOD_NOT_ALLOWED,
    SERVICE_CODE_UNKNOWN,
)

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
