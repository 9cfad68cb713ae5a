"""Open311 GeoReport v2: the city's 311 system sends residents' concerns here and reads back
their status (http://wiki.open311.org/GeoReport_v2).

A package, in parts: the keys (issued and revoked by the CRO, only a hash kept, their scope
set by an administrator), the intake of a new request (a service function like
`submit_public_concern`, a retry answered with the first request), the reads of requests
(status and a generalised place under a random public id: never a name, a contact, the
description, a note or the internal reference; a key of the agency scope sees more), the
place as the public sees it (locations.py), and the views: the API under /open311/v2/ and
the CRO's key page under /concerns/open311-keys/.

Conduct and bias complaints are personnel matters (001 IV.C): they are not a 311 service,
a request for one is refused with the way to the department's own complaint process, and
such concerns never appear in any answer, whatever their source."""

from concerns.open311.api import (
    discovery_view,
    request_view,
    requests_view,
    service_definition_view,
    services_view,
    unknown_view,
)
from concerns.open311.keys import (
    authenticate,
    hash_key,
    issue_key,
    read_key,
    revoke_key,
    set_key_scope,
)
from concerns.open311.locations import public_location
from concerns.open311.pages import key_revoke, keys_page
from concerns.open311.reads import find_request, find_requests, in_range, readable
from concerns.open311.requests import clean_request, submit_open311_request

__all__ = [
    "authenticate",
    "clean_request",
    "discovery_view",
    "find_request",
    "find_requests",
    "hash_key",
    "in_range",
    "issue_key",
    "key_revoke",
    "keys_page",
    "public_location",
    "read_key",
    "readable",
    "request_view",
    "requests_view",
    "revoke_key",
    "service_definition_view",
    "services_view",
    "set_key_scope",
    "submit_open311_request",
    "unknown_view",
]
