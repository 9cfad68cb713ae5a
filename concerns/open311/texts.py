"""Open311's fixed texts: the specification's constants and every message the API gives."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from concerns.models import Concern

CONDUCT = Concern.Category.CONDUCT_BIAS
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the service list last changed (the categories and their descriptions below): 311
# systems refresh their cached list when this moves.
CHANGESET = "2026-11-23 00:00"
GROUP = "Police community relations"
MAX_RESULTS = 1000
MAX_SPAN = dt.timedelta(days=90)
# The same request sent again within this time is a 311 system retrying (issue 21).
RETRY_WINDOW = dt.timedelta(minutes=10)
# The largest POST body taken: a 4,000-character description, percent-encoded (at most 36
# KB), and the other fields fit in it with room to spare.
MAX_BODY = 64 * 1024
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
# A request without a description (the specification makes it optional): the concern's
# text, for staff, says what was given. Stored in the language of the request (English).
DESCRIPTION_NONE = _(
    "%(service)s at %(place)s. Sent through the city's 311 system without a description."
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
ENDPOINT_UNKNOWN = (
    "There is no such resource: see discovery.xml for the services and requests addresses."
)
BODY_TOO_LARGE = f"The request body is limited to {MAX_BODY // 1024} KB."
CONTENT_TYPE_UNSUPPORTED = (
    "Send the request as application/x-www-form-urlencoded, in UTF-8, as the specification says."
)
NUL_REFUSED = "The request holds a NUL character (%00), which no field may contain."
MALFORMED = "The request could not be read: check its parameters."
METHOD_NOT_ALLOWED = "This resource does not accept {method} requests."

# ValidationError codes and the HTTP status each is answered with (the spec: 404 for what
# does not exist, 403 for the key, 400 for anything else; 429 for the rate limit).
STATUS_FOR = {"missing": 400, "invalid": 400, "not_found": 404, "rate_limited": 429}
# Who may set a key's scope: an administrator (Django superuser), not the CRO who issues it.
SCOPE_NOT_ALLOWED = _("Only an administrator may change what a key can read.")
SCOPE_UNKNOWN = _("Choose one of the scopes offered.")
