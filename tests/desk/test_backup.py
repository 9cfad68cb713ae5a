"""Backup and restore: a backup restores into a new database with every row and every
approved report's PDF as they were; a damaged or unsafe backup is refused and changes
nothing; a database holding data is replaced only with --force.

pg_dump reads from its own connection, so these tests commit their data (transaction=True).
"""

import datetime as dt
import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from concerns.models import Concern
from core.decisions import Decision
from desk.management.commands.backup import (
    DUMP,
    MANIFEST,
    MEDIA,
    connect,
    conninfo,
    file_sha256,
    run_program,
    server_version,
)
from desk.management.commands.restore import compare, comparison_table, restore_backup
from desk.pg_programs import dump_major, embedded_bin, program_version
from reports import services
from reports.models import Report
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    ConcernFactory,
    MaterialFactory,
    OrganizationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

QUARTER_DAY = dt.date(2025, 8, 1)


@pytest.fixture
def restore_db():
    """A new, empty database on the same server as the test database, dropped afterwards."""
    here = connection.settings_dict
    target = {**here, "NAME": f"{here['NAME']}_restore"}
    name = sql.Identifier(target["NAME"])
    with connect({**here, "NAME": "postgres"}, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(name))
    yield target
    with connect({**here, "NAME": "postgres"}, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def back_up(out: Path) -> Path:
    stdout = io.StringIO()
    call_command("backup", out=str(out), stdout=stdout)
    (folder,) = out.glob("crd-backup-*")
    assert f"Backup written to {folder}" in stdout.getvalue()
    return folder


def approved_quarterly(cro, chief) -> Report:
    report = services.generate_report(kind="quarterly", day=QUARTER_DAY, by=cro)
    services.save_narratives(report=report, by=cro, narratives={"current": "Traffic leads."})
    services.submit_report(report=report, by=cro, late_reason="Filed after the audit.")
    # Committed at once (no surrounding transaction): the render task runs on commit.
    services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    report.refresh_from_db()
    assert report.status == Report.Status.APPROVED and len(report.pdf_sha256) == 64
    return report


def records(officer, cro, chief) -> tuple[Report, str]:
    """A small department: concerns, an organization and its meeting, a material with its
    design file, a program, and an approved quarterly report with its final PDF."""
    AgencyFactory()
    for n, category in enumerate(["traffic", "noise", "traffic"]):
        ConcernFactory(
            reference=f"CR-2025-{n + 1:04d}",
            date_received=QUARTER_DAY + dt.timedelta(days=n),
            category=category,
            reported_by=officer,
        )
    organization = OrganizationFactory()
    ActivityFactory(organization=organization, date=QUARTER_DAY, logged_by=officer)
    material = MaterialFactory(created_by=cro)
    ProgramFactory(proposed_by=cro)
    return approved_quarterly(cro, chief), material.design.name


def rewrite_manifest(folder: Path, name: str) -> None:
    """Record a replaced file's hash, as someone tampering with a backup would."""
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["files"][name]["sha256"] = file_sha256(folder / name)
    (folder / MANIFEST).write_text(json.dumps(manifest))


def test_backup_restores_into_a_new_database_with_the_same_rows_and_pdfs(
    tmp_path, restore_db, officer, cro, chief
):
    report, design = records(officer, cro, chief)
    folder = back_up(tmp_path / "backups")

    manifest = json.loads((folder / MANIFEST).read_text())
    assert folder.name == "crd-backup-" + manifest["created_at"].replace("-", "").replace(":", "")
    assert manifest["approved_reports"] == {
        str(report.pk): {"file": report.pdf.name, "sha256": report.pdf_sha256}
    }
    assert manifest["row_counts"]["concerns_concern"] == 3
    assert manifest["row_counts"]["audit_auditevent"] > 0
    assert manifest["audit_triggers"] > 0
    assert manifest["migrations"]["reports"]["applied"] > 0
    for name in (DUMP, MEDIA):
        assert manifest["files"][name]["sha256"] == file_sha256(folder / name)
    # The server's own major version when installed (15 from Debian, 18 embedded).
    server_major = manifest["database"]["server_version_num"] // 10000
    assert dump_major(manifest["database"]["pg_dump"]) == server_major

    restored_media = tmp_path / "restored-media"
    scratch = FileSystemStorage(location=restored_media)
    lines = restore_backup(folder, database=restore_db, storage=scratch)
    assert [c for c in lines if not c.matches] == [], "\n".join(comparison_table(lines))
    checked = {(c.what, c.item) for c in lines}
    assert ("rows", "audit_auditevent") in checked  # the trail came back row for row
    assert ("approved report", f"{report.pk} PDF file") in checked
    pdf = restored_media / report.pdf.name
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == report.pdf_sha256
    assert (restored_media / design).read_bytes() == (
        Path(settings.MEDIA_ROOT) / design
    ).read_bytes()
    with connect(restore_db, autocommit=True) as conn:
        references = [r[0] for r in conn.execute("SELECT reference FROM concerns_concern")]
        assert sorted(references) == ["CR-2025-0001", "CR-2025-0002", "CR-2025-0003"]

    # The restored database now holds data: a second restore needs --force.
    with pytest.raises(CommandError, match="already holds data.*--force"):
        restore_backup(folder, database=restore_db, storage=scratch)
    lines = restore_backup(folder, database=restore_db, storage=scratch, force=True)
    assert all(c.matches for c in lines)

    # A difference after the restore is caught: a missing row, and a missing PDF.
    with connect(restore_db, autocommit=True) as conn:
        conn.execute("DELETE FROM concerns_concern WHERE reference = 'CR-2025-0003'")
    pdf.unlink()
    different = {
        (c.what, c.item)
        for c in compare(manifest, database=restore_db, storage=scratch)
        if not c.matches
    }
    assert different == {
        ("rows", "concerns_concern"),
        ("rows", "audit_auditevent"),  # the deletion itself is in the trail
        # and the tallies the database keeps of the concerns appended its change
        ("rows", "concerns_concernstatustally"),
        ("rows", "concerns_concerndaytally"),
        ("rows", "concerns_concernmonthtally"),
        ("approved report", f"{report.pk} PDF file"),
    }


def test_a_backup_by_a_newer_pg_dump_is_restored_by_a_pg_restore_that_reads_it(
    tmp_path, restore_db, officer
):
    """A machine whose only pg_dump is the embedded server's (PostgreSQL 18) backs up an
    older server too. Its archive needs pg_restore 18 or newer: an older one answers
    "unsupported version (1.16) in file header". Into PostgreSQL 18 it restores; into an
    older server pg_restore 18 fails, nothing changes, and the error says what to install."""
    ConcernFactory(reference="CR-2025-0001", reported_by=officer)
    folder = back_up(tmp_path / "backups")
    here = connection.settings_dict
    bundled = program_version(embedded_bin() / "pg_dump")
    run_program(
        [
            str(bundled.path),
            "--format=custom",
            f"--file={folder / DUMP}",
            f"--dbname={conninfo(here)}",
        ],
        here,
        "pg_dump",
    )
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["database"]["pg_dump"] = bundled.version
    manifest["files"][DUMP]["sha256"] = file_sha256(folder / DUMP)
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with connect(restore_db, autocommit=True) as conn:
        server_major = server_version(conn)[0] // 10000

    if server_major >= bundled.major:
        lines = restore_backup(
            folder, database=restore_db, storage=FileSystemStorage(location=tmp_path / "media")
        )
        assert lines and all(c.matches for c in lines)
    else:
        expected = (
            f"pg_restore {bundled.major} was used, newer than the server \\(PostgreSQL "
            f"{server_major}\\): install postgresql-client-{server_major}, and a backup made "
            f"with pg_dump {server_major}"
        )
        with pytest.raises(CommandError, match=expected):
            restore_backup(
                folder, database=restore_db, storage=FileSystemStorage(location=tmp_path / "media")
            )
        with connect(restore_db, autocommit=True) as conn:
            assert conn.execute("SELECT to_regclass('concerns_concern')").fetchone()[0] is None


@pytest.mark.parametrize("damaged", [DUMP, MEDIA])
def test_a_damaged_backup_is_refused_and_nothing_changes(tmp_path, officer, damaged):
    ConcernFactory(reference="CR-2025-0001", reported_by=officer)
    folder = back_up(tmp_path / "backups")
    ConcernFactory(reference="CR-2025-0002", reported_by=officer)  # a restore would remove it
    data = bytearray((folder / damaged).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / damaged).write_bytes(bytes(data))

    with pytest.raises(CommandError, match=f"damaged: the SHA-256 of {damaged}"):
        call_command("restore", source=str(folder), force=True)
    assert sorted(Concern.objects.values_list("reference", flat=True)) == [
        "CR-2025-0001",
        "CR-2025-0002",
    ]


def test_restore_refuses_a_database_holding_data_without_force(tmp_path, officer):
    ConcernFactory(reference="CR-2025-0001", reported_by=officer)
    folder = back_up(tmp_path / "backups")
    ConcernFactory(reference="CR-2025-0002", reported_by=officer)

    with pytest.raises(CommandError, match="already holds data.*--force"):
        call_command("restore", source=str(folder))
    assert Concern.objects.count() == 2


@pytest.mark.parametrize(
    ("member", "kind"),
    [
        ("../escaped.txt", tarfile.REGTYPE),
        ("reports/../../escaped.txt", tarfile.REGTYPE),
        ("/tmp/escaped.txt", tarfile.REGTYPE),  # noqa: S108 - a name inside the archive
        ("reports/link.pdf", tarfile.SYMTYPE),
    ],
)
def test_an_archive_member_outside_the_media_folder_is_refused(tmp_path, officer, member, kind):
    ConcernFactory(reference="CR-2025-0001", reported_by=officer)
    folder = back_up(tmp_path / "backups")
    ConcernFactory(reference="CR-2025-0002", reported_by=officer)
    with tarfile.open(folder / MEDIA, "w:gz") as archive:
        info = tarfile.TarInfo(member)
        info.type = kind
        if kind == tarfile.SYMTYPE:
            info.linkname = "/etc/passwd"
            archive.addfile(info)
        else:
            info.size = 4
            archive.addfile(info, io.BytesIO(b"evil"))
    rewrite_manifest(folder, MEDIA)

    with pytest.raises(CommandError, match="refused. Nothing changed"):
        call_command("restore", source=str(folder), force=True)
    assert Concern.objects.count() == 2
    media = Path(settings.MEDIA_ROOT)
    assert not (media.parent / "escaped.txt").exists()
    assert not (media / "reports" / "link.pdf").exists()


# This one stops before any database work: no committed data, no flush afterwards.
@pytest.mark.django_db
def test_a_missing_manifest_says_which_folder_to_give(tmp_path):
    with pytest.raises(CommandError, match="is not a backup folder"):
        call_command("restore", source=str(tmp_path))
