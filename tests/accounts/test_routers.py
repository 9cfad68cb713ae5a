"""The read replica router, and the settings that switch on the replica and object storage."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connections, router, transaction
from django.http import HttpResponse
from django.test import override_settings

from config.routers import (
    REPLICA,
    ReplicaRouter,
    forget_readiness,
    reading_from_replica,
    replica_ready,
    use_replica,
)
from core.replica import FRESH_COOKIE, FreshReads, replica_reads
from reports.models import Report

ROOT = Path(__file__).resolve().parents[2]
ROUTED = override_settings(DATABASE_ROUTERS=["config.routers.ReplicaRouter"])


def test_reads_ask_for_the_replica_only_inside_use_replica():
    assert not reading_from_replica()
    with use_replica():
        assert reading_from_replica()
        with use_replica():
            assert reading_from_replica()
        assert reading_from_replica()  # the inner block ends, not the outer
        assert ReplicaRouter().db_for_write(Report) == "default"
    assert not reading_from_replica()


def test_use_replica_as_a_decorator():
    @use_replica()
    def figures():
        return reading_from_replica()

    assert figures() is True
    assert figures() is True  # each call enters afresh
    assert not reading_from_replica()


def test_the_flag_belongs_to_the_thread_that_set_it():
    seen = {}
    inside = threading.Event()
    checked = threading.Event()

    def other_request():
        inside.wait(5)
        seen["other"] = reading_from_replica()
        checked.set()

    thread = threading.Thread(target=other_request)
    thread.start()
    with use_replica():
        inside.set()
        checked.wait(5)
        seen["this"] = reading_from_replica()
    thread.join(5)
    assert seen == {"this": True, "other": False}


@pytest.fixture
def mirror(db):
    """A "replica" connection to the test database itself: up, and never behind."""
    connections.settings[REPLICA] = {**connections.settings["default"]}
    # Opened here: the test case refuses to open a connection it was not declared with,
    # and this alias did not exist when it was declared.
    connections[REPLICA].connect()
    forget_readiness()
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    forget_readiness()


def test_without_a_replica_every_read_stays_on_the_default_database():
    assert not replica_ready()
    with ROUTED, use_replica():
        assert router.db_for_read(Report) == "default"


@pytest.mark.django_db(transaction=True)  # outside a transaction, as a page's reads are
def test_querysets_follow_the_router_when_the_replica_is_ready(mirror):
    with ROUTED:
        assert Report.objects.all().db == "default"
        with use_replica():
            assert router.db_for_read(Report) == "replica"
            assert Report.objects.all().db == "replica"
            assert router.db_for_write(Report) == "default"
        assert Report.objects.all().db == "default"


@pytest.mark.django_db
def test_inside_a_transaction_reads_stay_on_the_default_database(mirror):
    with ROUTED, transaction.atomic(), use_replica():
        assert router.db_for_read(Report) == "default"


@pytest.mark.django_db
def test_a_page_reads_from_the_primary_after_a_change_or_when_it_changes(mirror, rf, settings):
    settings.CRD_REPLICA_STICKY_SECONDS = 15
    seen = []

    @replica_reads
    def page(request):
        seen.append(reading_from_replica())
        return HttpResponse("ok")

    page(rf.get("/concerns/"))
    fresh = rf.get("/concerns/")
    fresh.COOKIES[FRESH_COOKIE] = "1"
    page(fresh)
    page(rf.post("/concerns/"))
    assert seen == [True, False, False]
    # The middleware marks a successful change, and only that, for the sticky seconds.
    marks = FreshReads(lambda request: HttpResponse(status=302))
    cookie = marks(rf.post("/concerns/new/")).cookies[FRESH_COOKIE]
    assert cookie["max-age"] == 15 and cookie["httponly"]
    assert FRESH_COOKIE not in marks(rf.get("/concerns/")).cookies
    refused = FreshReads(lambda request: HttpResponse(status=400))
    assert FRESH_COOKIE not in refused(rf.post("/concerns/new/")).cookies


def test_only_the_default_database_is_migrated_and_relations_are_allowed():
    routes = ReplicaRouter()
    assert routes.allow_migrate("default", "reports") is True
    assert routes.allow_migrate("replica", "reports") is False
    on_replica, on_default = Report(), Report()
    on_replica._state.db, on_default._state.db = "replica", "default"
    assert routes.allow_relation(on_replica, on_default) is True
    on_replica._state.db = "elsewhere"
    assert routes.allow_relation(on_replica, on_default) is None


def _settings(**env_overrides) -> dict:
    """Load the settings in a new process with the given environment; return what matters."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRD_S3_", "DATABASE_"))}
    # Loading settings connects to nothing; this address is never used.
    env.update(DJANGO_DEBUG="true", DATABASE_URL="postgres://crdesk@db.invalid/crdesk")
    env.update(env_overrides)
    script = (
        "import json, config.settings as s; print(json.dumps({"
        "'databases': {k: {'NAME': v['NAME'], 'HOST': v['HOST'], 'TEST': v.get('TEST', {})} "
        "for k, v in s.DATABASES.items()}, "
        "'routers': getattr(s, 'DATABASE_ROUTERS', []), 'storages': s.STORAGES}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_the_variables_there_is_no_replica_and_files_stay_on_disk():
    loaded = _settings()
    assert list(loaded["databases"]) == ["default"]
    assert loaded["routers"] == []
    assert loaded["storages"]["default"]["BACKEND"].endswith("FileSystemStorage")


def test_database_replica_url_adds_the_replica_and_the_router():
    loaded = _settings(DATABASE_REPLICA_URL="postgres://reader@replica.invalid:5433/crdesk")
    assert loaded["databases"]["replica"]["HOST"] == "replica.invalid"
    assert loaded["databases"]["replica"]["TEST"] == {"MIRROR": "default"}
    assert loaded["routers"] == ["config.routers.ReplicaRouter"]


def test_crd_s3_bucket_keeps_uploaded_files_in_object_storage():
    loaded = _settings(
        CRD_S3_BUCKET="crdesk-files",
        CRD_S3_REGION="us-east-2",
        CRD_S3_ENDPOINT_URL="https://s3.example.org",
    )
    default = loaded["storages"]["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"] == {
        "bucket_name": "crdesk-files",
        "region_name": "us-east-2",
        "endpoint_url": "https://s3.example.org",
        "file_overwrite": False,
    }
    # Static files are unchanged.
    assert loaded["storages"]["staticfiles"]["BACKEND"].startswith("django.contrib.staticfiles")
