"""/healthz's storage probe against object storage (moto's S3 server): it writes and removes
a small object in the bucket, and names "storage" when the bucket is missing or the server
does not answer."""

import json
import time

import pytest
from django.urls import reverse

from tests.storage.conftest import keys, start_server, storage_setting

pytestmark = pytest.mark.django_db
URL = reverse("healthz")


def probe(client) -> tuple[int, dict]:
    response = client.get(URL)
    return response.status_code, json.loads(response.content)


def test_the_probe_writes_and_removes_an_object_in_the_bucket(client, s3_storage, s3_server):
    _, s3 = s3_server
    status, body = probe(client)
    assert (status, body["storage"], body["failing"]) == (200, "ok", [])
    assert keys(s3) == []  # nothing left behind


def test_a_missing_bucket_is_named(client, settings, s3_server):
    endpoint, _ = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_setting(endpoint, bucket="crd-no-such-bucket"),
    }
    status, body = probe(client)
    assert (status, body["storage"], body["failing"]) == (503, "error", ["storage"])


def test_a_server_that_stopped_is_named(client, settings):
    server, endpoint = start_server()
    settings.STORAGES = {**settings.STORAGES, "default": storage_setting(endpoint)}
    server.stop()
    started = time.monotonic()
    status, body = probe(client)
    assert (status, body["storage"], body["failing"]) == (503, "error", ["storage"])
    assert time.monotonic() - started < 10  # a refused connection fails at once
