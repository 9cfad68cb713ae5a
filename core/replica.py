"""Which pages read from the read replica (config/routers.py), and the few seconds after a
change when a person reads from the primary instead.

`replica_reads` wraps a view that only reads and shows many rows or figures: the concern
lists and their CSV, the dashboard, report pages and their PDFs, activity lists. Its
queries go to the replica when one is configured, up and not lagging; otherwise, and for
`CRD_REPLICA_STICKY_SECONDS` after the person's last change (a POST, PUT, PATCH or DELETE
answered without error, marked by the `FreshReads` middleware with a short-lived cookie),
they go to the primary, so that a concern just logged is in the list that follows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import connections

from config.routers import REPLICA, use_replica

FRESH_COOKIE = "crd_fresh"
CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
# A form sent back with its errors is drawn from the primary: only GET and HEAD are read.


@contextmanager
def replica_for(request) -> Iterator[None]:
    """The reads made inside go to the replica, unless the request changes something or
    follows a change of this person's by less than the sticky seconds."""
    if request.method not in ("GET", "HEAD") or request.COOKIES.get(FRESH_COOKIE):
        yield
        return
    with use_replica():
        yield


def replica_reads(view):
    """A view whose every read may come from the replica (`replica_for`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with replica_for(request):
            return view(request, *args, **kwargs)

    return wrapped


class FreshReads:
    """After a change, the person's reads stay on the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in CHANGES
            and response.status_code < 400
            and REPLICA in connections.settings
        ):
            response.set_cookie(
                FRESH_COOKIE,
                "1",
                max_age=settings.CRD_REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
