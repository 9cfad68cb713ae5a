"""The settings that switch object storage on, read from the environment by a fresh
process as a server would: CRD_S3_BUCKET, CRD_S3_REGION and CRD_S3_ENDPOINT_URL, with the
credentials in the standard AWS variables, store a file in the bucket of the test server;
an endpoint without its scheme stops the start with a message saying what to write."""

import os
import subprocess  # nosec B404 - the project's own manage.py, an argument list
import sys
from pathlib import Path

import pytest

from tests.storage.conftest import ACCESS_KEY, BUCKET, REGION, SECRET_KEY

pytestmark = pytest.mark.servers
ROOT = Path(__file__).resolve().parents[2]
SAVE = (
    "from django.core.files.base import ContentFile\n"
    "from django.core.files.storage import storages\n"
    "storage = storages['default']\n"
    "print(type(storage).__name__)\n"
    "print(storage.save('settings-check/hello.txt', ContentFile(b'from the settings')))\n"
)


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CRD_S3_", "AWS_"))},
        "DJANGO_DEBUG": "true",
        **environment,
    }
    return subprocess.run(  # noqa: S603  # nosec B603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_environment_puts_stored_files_in_the_bucket(s3_server):
    endpoint, client = s3_server
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        SAVE,
        CRD_S3_BUCKET=BUCKET,
        CRD_S3_REGION=REGION,
        CRD_S3_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "settings-check/hello.txt"]
    body = client.get_object(Bucket=BUCKET, Key="settings-check/hello.txt")["Body"].read()
    client.delete_object(Bucket=BUCKET, Key="settings-check/hello.txt")
    assert body == b"from the settings"


def test_an_endpoint_without_its_scheme_stops_the_start():
    result = manage("check", CRD_S3_BUCKET=BUCKET, CRD_S3_ENDPOINT_URL="s3.example.org")
    assert result.returncode != 0
    assert "CRD_S3_ENDPOINT_URL must be the service's address with its scheme" in result.stderr
