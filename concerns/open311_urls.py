"""Open311 GeoReport v2 under /open311/v2/: the format is the extension (.json or .xml)."""

from django.urls import re_path

from concerns import open311

app_name = "open311"

# Ids and codes hold no dot or slash (a public id, street_lighting): the extension is
# what follows the only dot. An unknown extension is answered 404 in the error format.
FMT = r"\.(?P<fmt>[^/.]+)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery_view, name="discovery"),
    re_path(r"^services" + FMT, open311.services_view, name="services"),
    re_path(r"^services/(?P<code>[^/.]+)" + FMT, open311.service_definition_view, name="service"),
    re_path(r"^requests" + FMT, open311.requests_view, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/.]+)" + FMT, open311.request_view, name="request"),
    # Anything else: 404 in the specification's error format, never the site's HTML page.
    re_path(r"^(?P<path>.*)$", open311.unknown_view, name="unknown"),
]
