"""The one rate limiter: a sliding window per door and client, shared by every process."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accounts import ratelimit
from accounts.models import RateLimitHit

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)


def test_take_counts_until_the_limit_then_refuses_without_counting():
    with time_machine.travel(NOON, tick=False):
        assert [ratelimit.take("public-form", "a" * 64, limit=2) for _ in range(3)] == [
            True,
            True,
            False,
        ]
        assert RateLimitHit.objects.filter(scope="public-form").count() == 2


def test_the_window_slides_and_doors_and_clients_are_apart():
    with time_machine.travel(NOON, tick=False):
        assert ratelimit.take("open311", "key:1", limit=1)
        assert not ratelimit.take("open311", "key:1", limit=1)
        assert ratelimit.take("open311", "key:2", limit=1)  # another client
        assert ratelimit.take("survey-web", "key:1", limit=1)  # another door
    with time_machine.travel(NOON + dt.timedelta(minutes=61), tick=False):
        assert ratelimit.take("open311", "key:1", limit=1)
    window = dt.timedelta(minutes=15)
    with time_machine.travel(NOON + dt.timedelta(minutes=70), tick=False):
        ratelimit.record("sign-in", "c")
        assert ratelimit.exceeded("sign-in", "c", limit=1, window=window)
    with time_machine.travel(NOON + dt.timedelta(minutes=86), tick=False):
        assert not ratelimit.exceeded("sign-in", "c", limit=1, window=window)


def test_counts_older_than_a_day_are_removed_as_new_ones_come(monkeypatch):
    RateLimitHit.objects.create(
        scope="public-form", client="old", created_at=timezone.now() - dt.timedelta(days=2)
    )
    monkeypatch.setattr(ratelimit.secrets, "randbelow", lambda n: 0)
    ratelimit.record("public-form", "new")
    assert list(RateLimitHit.objects.values_list("client", flat=True)) == ["new"]
