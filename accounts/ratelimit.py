"""One rate limiter for every door that anyone may knock on: sign-in attempts per client,
the public concern form, the city's 311 system per key, and public survey answers.

Each use is a row (`RateLimitHit`: the door's scope and a keyed hash of the client) counted
over a sliding window, so every web process and host sees the same count. A door decides
what to say when the limit is reached; the counting is here only.
"""

import datetime as dt
import secrets

from django.db.models import Count, Max, Min
from django.utils import timezone

from accounts.models import RateLimitHit

HOUR = dt.timedelta(hours=1)
KEEP = dt.timedelta(days=1)  # longer than any window


def used(scope: str, client: str, *, window: dt.timedelta = HOUR) -> int:
    since = timezone.now() - window
    return RateLimitHit.objects.filter(scope=scope, client=client, created_at__gte=since).count()


def recent(scope: str, client: str, *, window: dt.timedelta = HOUR):
    """(uses, the first, the last) within the window; the times are None without uses."""
    since = timezone.now() - window
    found = RateLimitHit.objects.filter(scope=scope, client=client, created_at__gte=since)
    row = found.aggregate(n=Count("id"), first=Min("created_at"), last=Max("created_at"))
    return row["n"], row["first"], row["last"]


def forget(scope: str, client: str) -> None:
    """Start the client's count again (a sign-in that succeeded)."""
    RateLimitHit.objects.filter(scope=scope, client=client).delete()


def exceeded(scope: str, client: str, *, limit: int, window: dt.timedelta = HOUR) -> bool:
    return used(scope, client, window=window) >= limit


def record(scope: str, client: str) -> None:
    now = timezone.now()
    if secrets.randbelow(50) == 0:  # now and then, forget what no window still counts
        RateLimitHit.objects.filter(created_at__lt=now - KEEP).delete()
    RateLimitHit.objects.create(scope=scope, client=client, created_at=now)


def take(scope: str, client: str, *, limit: int, window: dt.timedelta = HOUR) -> bool:
    """Count one use and return True, or return False (counting nothing) when the client
    has used its `limit` within the window."""
    if exceeded(scope, client, limit=limit, window=window):
        return False
    record(scope, client)
    return True
