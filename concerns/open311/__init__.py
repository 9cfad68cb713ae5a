"""Open311 GeoReport v2: the city's 311 system sends residents' concerns here and reads back
their status (http://wiki.open311.org/GeoReport_v2).

A package, in parts: the keys (issued and revoked by the CRO, only a hash kept), the
intake of a new request (a service function like `submit_public_concern`), the public read
of requests (status only: never a name, a contact, the description or a note), and the
views: the API under /open311/v2/ and the CRO's key page under /concerns/open311-keys/.

Conduct and bias complaints are personnel matters (001 IV.C): they are not a 311 service,
a request for one is refused with the way to the department's own complaint process, and
such concerns never appear in any answer, whatever their source."""

from concerns.open311.api import (
    discovery_view,
    request_view,
    requests_view,
    service_definition_view,
    services_view,
)
from concerns.open311.keys import authenticate, hash_key, issue_key, revoke_key
from concerns.open311.pages import key_revoke, keys_page
from concerns.open311.requests import (
    _in_range,
    _public,
    clean_request,
    find_request,
    find_requests,
    submit_open311_request,
)

__all__ = [
    "_in_range",
    "_public",
    "authenticate",
    "clean_request",
    "discovery_view",
    "find_request",
    "find_requests",
    "hash_key",
    "issue_key",
    "key_revoke",
    "keys_page",
    "request_view",
    "requests_view",
    "revoke_key",
    "service_definition_view",
    "services_view",
    "submit_open311_request",
]
