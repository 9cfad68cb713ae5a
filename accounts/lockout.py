"""Account lockout: django-axes, counting failures per username within a window.

Axes keeps a username's failures until they reach the limit, then locks it until someone
resets it. The department's rule counts only failures in a row, each within
CRD_FAILURE_WINDOW_MINUTES of the one before: a failure after a longer pause starts the
count again. A locked username stays locked until the CRO, the Chief or an administrator
unlocks it (accounts.views.locked_accounts).
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def locked_usernames():
    """(username, failures, last failure) of every locked username, latest first."""
    return (
        AccessAttempt.objects.values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )


class WindowedDatabaseHandler(AxesDatabaseHandler):
    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        username = get_client_username(request, credentials) if request else None
        if username:
            attempts = AccessAttempt.objects.filter(username=username)
            total = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if total < settings.AXES_FAILURE_LIMIT:
                window = dt.timedelta(minutes=settings.CRD_FAILURE_WINDOW_MINUTES)
                attempts.filter(attempt_time__lt=timezone.now() - window).delete()
        return super().user_login_failed(sender, credentials, request, **kwargs)
