"""The page a member sees when the server fails, and the benchmark's instruments.

When the database is out of reach (restarted, failed over, the network dropped), the
request's transaction never committed: the page says so and asks to try again, with 503 and
Retry-After so that proxies and scripts know it is passing. Django reconnects on the next
request by itself (CONN_HEALTH_CHECKS), so no worker needs a restart.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

UNAVAILABLE = (OperationalError, InterfaceError)


@requires_csrf_token
def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE) or isinstance(getattr(error, "__cause__", None), UNAVAILABLE):
        body = loader.get_template("503.html").render()
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "5"
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def hello(request):
    """A view that does nothing (benchmarks only): the yardstick for every page's throughput."""
    return HttpResponse(b"ok", content_type="text/plain")


class QueryCount:
    """Benchmarks only (CRD_BENCH=true): each response says how many SQL queries it made,
    in an X-Queries header, counted without DEBUG's query log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Queries"] = str(count[0])
        return response
