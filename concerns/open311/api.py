"""The API's views under /open311/v2/."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.views.decorators.csrf import csrf_exempt

from accounts.models import Agency
from concerns.open311.catalog import complaint_process, discovery, public_categories, service_list
from concerns.open311.formats import FORMATS, _error_for, error, respond
from concerns.open311.keys import authenticate, read_key
from concerns.open311.reads import PUBLIC, find_request, find_requests, request_fields
from concerns.open311.requests import service_notice, submit_open311_request
from concerns.open311.texts import (
    BODY_TOO_LARGE,
    CONDUCT,
    CONDUCT_REFUSED,
    CONTENT_TYPE_UNSUPPORTED,
    ENDPOINT_UNKNOWN,
    FORMAT_UNKNOWN,
    KEY_INVALID,
    MALFORMED,
    MAX_BODY,
    METHOD_NOT_ALLOWED,
    NUL_REFUSED,
    SERVICE_CODE_UNKNOWN,
)

# --- What every request must be before a view reads it --------------------------------

FORM = "application/x-www-form-urlencoded"  # the specification's only POST body


def _holds_nul(request) -> bool:
    # PostgreSQL refuses NUL in text: a stray one is the client's error (400), never a 500.
    queries = [request.GET, request.POST] if request.method == "POST" else [request.GET]
    return "\x00" in request.path or any(
        "\x00" in name or any("\x00" in value for value in values)
        for query in queries
        for name, values in query.lists()
    )


def _refusal(request, fmt: str):
    """The answer to a request no view should see: a body too large (413), one not sent
    as a form in UTF-8 (415), a NUL anywhere (400), or None."""
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY:
            return error(fmt, 413, BODY_TOO_LARGE)  # refused before a byte is read
        charset = request.content_params.get("charset", "utf-8").lower()
        if request.content_type != FORM or charset not in ("utf-8", "utf8"):
            return error(fmt, 415, CONTENT_TYPE_UNSUPPORTED)
        if len(request.body) > MAX_BODY:
            return error(fmt, 413, BODY_TOO_LARGE)
    if _holds_nul(request):
        return error(fmt, 400, NUL_REFUSED)
    return None


def _headers(request, response):
    """A public read may be used by any web page (CORS); a keyed one, or a POST, is for
    the key's holder alone and is kept by no cache."""
    if request.method in ("GET", "HEAD") and "api_key" not in request.GET:
        response["Access-Control-Allow-Origin"] = "*"
    elif "api_key" in request.GET:
        response["Cache-Control"] = "private, no-store"
    return response


def api(*methods: str) -> Callable:
    """An Open311 resource: public, no CSRF (a client sends a key, not a cookie), the format
    from the extension, errors in the specification's format."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if "\x00" in request.path:
                return error(fmt if fmt in FORMATS else "xml", 400, NUL_REFUSED)
            if fmt not in FORMATS:
                return error("xml", 404, FORMAT_UNKNOWN.format(fmt=fmt[:20]))
            if request.method not in allowed:
                response = error(fmt, 405, METHOD_NOT_ALLOWED.format(method=request.method))
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            try:
                response = _refusal(request, fmt) or view(request, *args, fmt=fmt, **kwargs)
            except RequestDataTooBig:
                response = error(fmt, 413, BODY_TOO_LARGE)
            except SuspiciousOperation:  # too many fields, a broken multipart, ...
                response = error(fmt, 400, MALFORMED)
            except PermissionDenied as exc:
                response = error(fmt, 403, str(exc) or KEY_INVALID)
            except ValidationError as exc:
                response = _error_for(fmt, exc)
            return _headers(request, response)

        return login_not_required(csrf_exempt(wrapper))

    return decorate


@login_not_required
@csrf_exempt
def unknown_view(request, path: str):
    """Any other address under /open311/v2/: 404 in the error format its extension asks for
    (XML, the one every client reads, when it names none)."""
    fmt = path.rpartition(".")[2] if "." in path else "xml"
    fmt = fmt if fmt in FORMATS else "xml"
    if "\x00" in path:
        return error(fmt, 400, NUL_REFUSED)
    response = error(fmt, 404, ENDPOINT_UNKNOWN)
    if request.method in ("GET", "HEAD"):
        response["Access-Control-Allow-Origin"] = "*"
    return response


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
        # The specification puts the key in the body; some clients send it in the URL.
        key = authenticate(request.POST.get("api_key") or request.GET.get("api_key"))
        concern = submit_open311_request(key=key, data=request.POST)
        answer = {
            "service_request_id": str(concern.public_id),
            "service_notice": service_notice(concern, key.scope),
            "account_id": None,
        }
        return respond(fmt, [answer], root="service_requests", item="request")
    key = read_key(request.GET)
    scope = key.scope if key else PUBLIC
    agency = Agency.load()
    rows = [request_fields(concern, agency, scope) for concern in find_requests(request.GET, scope)]
    return respond(fmt, rows, root="service_requests", item="request")


@api("GET")
def request_view(request, request_id, fmt):
    key = read_key(request.GET)
    scope = key.scope if key else PUBLIC
    concern = find_request(request_id, scope)
    row = request_fields(concern, Agency.load(), scope)
    return respond(fmt, [row], root="service_requests", item="request")
