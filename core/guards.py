"""Input no page can use, refused at the door with 400 (issue 21, finding 9).

PostgreSQL text holds no NUL character: a NUL that reached a query (a survey's free text,
a lookup's search words, a 311 id in the path, a session cookie) raised deep in the driver
and answered 500. Rather than trust every form and every view to strip it, one middleware,
early in MIDDLEWARE, looks at everything a request carries as text (path, query string,
form fields, a JSON or other text body, cookies, headers) and refuses the request when any
of it holds a NUL or is not UTF-8. Files uploaded in a multipart form are binary and are
not looked at; their fields are.

Paths listed in CRD_OWN_INPUT_CHECKS answer such input themselves, in their own format
(the city's 311 system reads GeoReport errors, not a page).
"""

import json
import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.template import loader

NUL = "\x00"
# "\u0000" in JSON, but not "\\u0000" (an escaped backslash followed by the letters).
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def _query_ok(raw: str) -> bool:
    """The raw query string, percent-decoded to bytes: UTF-8, and no NUL."""
    # WSGI hands the query string over as latin-1 text; the bytes are what the client sent.
    data = unquote_to_bytes(raw.replace("+", " ").encode("latin-1", "replace"))
    return _text_ok(data)


def _text_ok(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _has_nul(values) -> bool:
    return any(NUL in value for value in values)


def _body_ok(request) -> bool:
    kind = request.content_type or ""
    if kind == MULTIPART:
        # The text fields only; the files are binary. A body the parser cannot read is
        # left to the view (Django answers 400 for it).
        try:
            fields = request.POST
        except MultiPartParserError:
            return True
        return not any(_has_nul([key, *fields.getlist(key)]) for key in fields)
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        return True  # too big to read here: the view refuses it in its own words
    body = request.body
    if not body:
        return True
    if kind == FORM:
        return _query_ok(body.decode("latin-1"))
    if kind == "application/json" or kind.endswith("+json"):
        return _text_ok(body) and not JSON_NUL.search(body)
    # Any other body this site takes is text (311's XML, a plain text): no NUL byte.
    return b"\x00" not in body


def invalid_input(request) -> bool:
    """Whether anything the request carries as text holds a NUL or is not UTF-8."""
    if NUL in request.path_info or not _query_ok(request.META.get("QUERY_STRING", "")):
        return True
    headers = [v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str)]
    if _has_nul(headers) or _has_nul([*request.COOKIES, *request.COOKIES.values()]):
        return True
    if request.method in ("POST", "PUT", "PATCH"):
        return not _body_ok(request)
    return False


def bad_request() -> HttpResponse:
    # Fixed text in both languages: nothing of a request that cannot be read is trusted,
    # not even its language.
    body = loader.get_template("400.html").render()
    return HttpResponse(body, status=400)


class RejectInvalidInput:
    """Answers 400 before any other part of the site reads a request that carries a NUL
    character or text that is not UTF-8."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(tuple(settings.CRD_OWN_INPUT_CHECKS)):
            return self.get_response(request)
        try:
            invalid = invalid_input(request)
        except (UnicodeError, ValueError, json.JSONDecodeError):
            invalid = True
        if invalid:
            return bad_request()
        return self.get_response(request)
