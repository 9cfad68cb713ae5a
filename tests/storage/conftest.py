"""An S3-compatible server for the storage tests: moto in server mode, run in this process
on a free port of 127.0.0.1 and spoken to over HTTP by boto3, as a bucket in production
is. No client is mocked: every file goes through django-storages to the server and back."""

import logging

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from tests.desk.test_two_servers import free_port

BUCKET = "crd-test-media"
REGION = "us-east-1"
# Made-up credentials: the server accepts any, and nothing here may reach a real account.
ACCESS_KEY = "AKIATESTSTORAGE00000"
SECRET_KEY = "test-secret-not-a-real-key"  # noqa: S105


def start_server() -> tuple[ThreadedMotoServer, str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def storage_setting(endpoint: str, bucket: str = BUCKET) -> dict:
    """STORAGES["default"] as config/settings.py makes it from CRD_S3_BUCKET, CRD_S3_REGION
    and CRD_S3_ENDPOINT_URL, with the credentials the environment would give."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "region_name": REGION,
            "endpoint_url": endpoint,
            "file_overwrite": False,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
        },
    }


def keys(client, bucket: str = BUCKET) -> list[str]:
    """Every object's key in the bucket, sorted."""
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return sorted(item["Key"] for page in pages for item in page.get("Contents", []))


def empty(client, bucket: str = BUCKET) -> None:
    for key in keys(client, bucket):
        client.delete_object(Bucket=bucket, Key=key)


@pytest.fixture(scope="session")
def s3_server():
    """The server and its bucket, for the whole run: (endpoint URL, boto3 client)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server, endpoint = start_server()
    client = s3_client(endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """The default storage is the bucket for this test, emptied before and after. Changing
    STORAGES through the settings fixture sends setting_changed, on which Django forgets
    its storages and default_storage (django.test.signals.storages_changed), both now and
    when the fixture puts the setting back."""
    endpoint, client = s3_server
    empty(client)
    settings.STORAGES = {**settings.STORAGES, "default": storage_setting(endpoint)}
    storage = storages["default"]
    assert isinstance(storage, S3Storage) and storage.bucket_name == BUCKET
    assert default_storage.bucket_name == BUCKET
    yield storage
    empty(client)
