"""Issue 21, finding 1: the audit trail against someone who can reach the database.

Each attack of the finding, tried against PostgreSQL: as the application's role (split
from the owner by `setup_db_roles`) it is refused; as the owner or a superuser, who can
lift any guard, `verify_audit` finds it and says where.
"""

import datetime as dt
import io

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import override_settings

from audit import chain
from audit.models import AuditCheck, AuditEvent, AuditSeal
from audit.triggers import APPEND_ONLY_TRIGGER, AUDIT_TABLE, ROW_TRIGGER, install_triggers
from tests.factories import UserFactory

A = AuditEvent.Action


def _events(n, prefix="e"):
    return [AuditEvent.objects.create(action=A.LOGIN, actor_name=f"{prefix}{i}") for i in range(n)]


def _sql(statement, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _behind_the_guard(statement, params=None, table=AUDIT_TABLE):
    """What the owner or a superuser can do: switch the append-only trigger off, act."""
    _sql(f"ALTER TABLE {table} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
    _sql(statement, params)
    _sql(f"ALTER TABLE {table} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")


# --- Detected: what the owner or a superuser can still do ---------------------------------


@pytest.mark.django_db
def test_a_sealed_trail_verifies_intact():
    _events(5)
    report = chain.verify()
    assert report.intact, report.problems
    assert report.sealed_now >= 5 and report.events == AuditEvent.objects.count()


@pytest.mark.django_db
def test_an_event_altered_behind_the_guard_is_found_and_named():
    target = _events(4)[2]
    chain.seal_pending()
    _behind_the_guard(
        "UPDATE audit_auditevent SET detail = 'nothing happened' WHERE id = %s", [target.pk]
    )
    report = chain.verify()
    assert len(report.problems) == 1
    assert f"(event {target.pk}): the event was altered" in report.problems[0]


@pytest.mark.django_db
def test_an_event_removed_behind_the_guard_is_found_and_named():
    target = _events(4)[1]
    chain.seal_pending()
    _behind_the_guard("DELETE FROM audit_auditevent WHERE id = %s", [target.pk])
    report = chain.verify()
    assert [p for p in report.problems if f"(event {target.pk}): the event was removed" in p]


@pytest.mark.django_db
def test_a_forged_seal_is_found():
    _events(2)
    chain.seal_pending()
    forged = AuditEvent.objects.create(action=A.LOGIN, actor_name="forger")
    AuditSeal.objects.create(event_id=forged.pk, digest="ab" * 32, key_id=chain.current_key()[0])
    report = chain.verify()
    assert [p for p in report.problems if f"(event {forged.pk}): the event was altered" in p]


@pytest.mark.django_db
def test_a_seal_removed_from_the_middle_breaks_the_next_one():
    _events(4)
    chain.seal_pending()
    seals = list(AuditSeal.objects.order_by("id"))
    _behind_the_guard(
        "DELETE FROM audit_auditseal WHERE id = %s", [seals[1].pk], table="audit_auditseal"
    )
    report = chain.verify()
    assert [p for p in report.problems if f"seal {seals[2].pk} " in p]


@pytest.mark.django_db
def test_an_event_dated_400_days_back_by_the_owner_is_found_out_of_order():
    _events(2)
    # Dated by the database's clock, which the edge-date runs do not move.
    _sql(
        "INSERT INTO audit_auditevent (at, action, actor_name, path, record_type, record_id,"
        " detail) VALUES (now() - interval '400 days', 'login', 'backdated', '', '', '', '')"
    )
    backdated = AuditEvent.objects.get(actor_name="backdated")
    report = chain.verify()
    assert [p for p in report.problems if f"(event {backdated.pk})" in p and "out of order" in p]


@pytest.mark.django_db
def test_an_event_slipped_in_below_the_sealed_ones_is_found_unsealed():
    first, *_ = _events(3)
    chain.seal_pending()
    # A day later, the owner fills an id below everything sealed.
    _behind_the_guard(
        "UPDATE audit_auditseal SET sealed_at = sealed_at - interval '2 days'",
        table="audit_auditseal",
    )
    _sql(
        "INSERT INTO audit_auditevent (id, at, action, actor_name, path, record_type, record_id,"
        " detail) VALUES (%s, now(), 'login', 'slipped', '', '', '', '')",
        [first.pk - 1 if first.pk > 1 else 0],
    )
    report = chain.verify()
    assert [p for p in report.problems if "never sealed" in p], report.problems


@pytest.mark.django_db
def test_seals_cut_from_the_end_are_found_against_the_last_head():
    events = _events(5)
    head = chain.verify().head
    last_two = [e.pk for e in events[-2:]]
    _behind_the_guard("DELETE FROM audit_auditevent WHERE id = ANY(%s)", [last_two])
    _behind_the_guard(
        "DELETE FROM audit_auditseal WHERE event_id = ANY(%s)", [last_two], table="audit_auditseal"
    )
    report = chain.verify(expected_head=head)
    assert [p for p in report.problems if "cut from its end" in p]


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["drop", "disable"])
def test_a_recording_trigger_dropped_or_disabled_is_found(how):
    if how == "drop":
        _sql(f"DROP TRIGGER {ROW_TRIGGER} ON concerns_concern")
    else:
        _sql(f"ALTER TABLE concerns_concern DISABLE TRIGGER {ROW_TRIGGER}")
    report = chain.verify()
    state = "missing" if how == "drop" else "disabled"
    assert f"trigger {ROW_TRIGGER} on concerns_concern is {state}." in report.problems


@pytest.mark.django_db
def test_seals_made_with_a_retired_key_verify_only_while_it_is_listed():
    _events(3)
    with override_settings(CRD_AUDIT_KEY="the-old-key"):
        chain.seal_pending()
    with override_settings(CRD_AUDIT_KEY="the-new-key"):
        assert [p for p in chain.verify().problems if "does not hold" in p]
    with override_settings(CRD_AUDIT_KEY="the-new-key", CRD_AUDIT_OLD_KEYS=["the-old-key"]):
        assert chain.verify().intact


@pytest.mark.django_db
def test_archived_entries_are_not_reported_removed(tmp_path):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=800)
    for n in range(3):
        AuditEvent.objects.create(action=A.LOGIN, actor_name=f"old{n}", at=old)
    chain.seal_pending()
    _events(2, prefix="new")
    cutoff = (old + dt.timedelta(days=10)).date().isoformat()
    call_command(
        "archive_audit", before=cutoff, out=str(tmp_path / "a.csv.gz"), stdout=io.StringIO()
    )
    assert not AuditEvent.objects.filter(actor_name__startswith="old").exists()
    report = chain.verify()
    assert report.intact, report.problems


@pytest.mark.django_db
def test_verify_audit_exits_1_and_records_the_check_when_something_is_wrong():
    target = _events(2)[0]
    call_command("verify_audit", stdout=io.StringIO())
    assert AuditCheck.objects.latest("id").intact
    _behind_the_guard(
        "UPDATE audit_auditevent SET actor_name = 'someone' WHERE id = %s", [target.pk]
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 problems"):
        call_command("verify_audit", stdout=out)
    check = AuditCheck.objects.latest("id")
    assert not check.intact and f"event {target.pk}" in check.problems[0]
    assert f"event {target.pk}" in out.getvalue()


@pytest.mark.django_db
def test_truncate_is_refused_by_the_guard_even_for_a_superuser():
    with override_settings(CRD_AUDIT_GUARD_TRUNCATE=True):
        install_triggers()
    _events(1)
    for table in (AUDIT_TABLE, "audit_auditseal"):
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE"), transaction.atomic():
            _sql(f"TRUNCATE {table}")
    assert AuditEvent.objects.exists()


# --- Refused: the application's own role --------------------------------------------------


@pytest.fixture
def split_roles(transactional_db):
    """An owner and an application role on the test database (setup_db_roles), and a
    connection as each; removed afterwards."""
    database = connection.settings_dict["NAME"]
    suffix = database.replace("-", "_")[-30:]
    owner, app = f"crd_t_own_{suffix}", f"crd_t_app_{suffix}"
    call_command("setup_db_roles", owner=owner, app=app, stdout=io.StringIO())
    params = {
        "dbname": database,
        "host": connection.settings_dict.get("HOST") or None,
        "port": connection.settings_dict.get("PORT") or None,
    }
    conns = {
        name: psycopg.connect(user=role, autocommit=True, **params)
        for name, role in (("owner", owner), ("app", app))
    }
    yield conns
    for conn in conns.values():
        conn.close()
    me = connection.settings_dict["USER"] or "postgres"
    for role in (owner, app):
        _sql(f'REASSIGN OWNED BY "{role}" TO "{me}"')
        _sql(f'DROP OWNED BY "{role}"')
        _sql(f'DROP ROLE "{role}"')


def _refused(conn, statement, params=None):
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, params)


def test_the_application_role_cannot_rewrite_or_silence_the_trail(split_roles):
    app = split_roles["app"]
    event = AuditEvent.objects.create(action=A.LOGIN, actor_name="real")
    _refused(app, "TRUNCATE audit_auditevent")
    _refused(app, "UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", [event.pk])
    _refused(app, "DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    _refused(app, f"ALTER TABLE audit_auditevent DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
    _refused(app, f"ALTER TABLE concerns_concern DISABLE TRIGGER {ROW_TRIGGER}")
    _refused(app, f"DROP TRIGGER {ROW_TRIGGER} ON concerns_concern")
    _refused(app, "DELETE FROM audit_auditseal")
    _refused(app, "TRUNCATE audit_auditseal")
    assert AuditEvent.objects.filter(pk=event.pk, detail="").exists()


def test_the_application_role_cannot_date_an_event_in_the_past(split_roles):
    app = split_roles["app"]
    row = app.execute(
        "INSERT INTO audit_auditevent (at, action, actor_name, path, record_type, record_id, "
        "detail) VALUES (now() - interval '400 days', 'login', 'forged', '', '', '', '') "
        "RETURNING at, now()"
    ).fetchone()
    at, now = row
    assert abs((at - now).total_seconds()) < 60


def test_the_application_role_still_does_its_work_and_is_recorded(split_roles):
    app = split_roles["app"]
    user = UserFactory()
    app.execute("UPDATE accounts_user SET first_name = 'Renamed' WHERE id = %s", [user.pk])
    recorded = AuditEvent.objects.filter(
        record_type="accounts_user", record_id=str(user.pk), action=A.UPDATE
    )
    assert recorded.exists()
    # It seals the trail (INSERT on the seals) as the application does.
    app.execute(
        "INSERT INTO audit_auditseal (event_id, digest, key_id, sealed_at) "
        "VALUES (-1, 'x', 'k', now())"
    )


def test_the_owner_is_refused_truncate_by_the_guard(split_roles):
    with override_settings(CRD_AUDIT_GUARD_TRUNCATE=True):
        install_triggers()
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        split_roles["owner"].execute("TRUNCATE audit_auditevent")
    # Switched off again so that the test database can be emptied after this test.
    _sql("DROP TRIGGER crd_audit_no_truncate ON audit_auditevent")
    _sql("DROP TRIGGER crd_audit_no_truncate ON audit_auditseal")


def test_migrate_runs_as_the_owner_and_grants_the_application(split_roles, settings):
    database = connection.settings_dict
    app_role = split_roles["app"].info.user
    owner_role = split_roles["owner"].info.user
    settings.CRD_OWNER_DATABASE = {
        **{k: database.get(k) for k in ("HOST", "PORT")},
        "USER": owner_role,
        "PASSWORD": "",
    }
    saved_user = database["USER"]
    database["USER"] = app_role
    connection.close()
    try:
        call_command("migrate", verbosity=0)
    finally:
        connection.close()
        database["USER"] = saved_user
    (owner_of_trail,) = (
        split_roles["owner"]
        .execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit_auditevent'")
        .fetchone()
    )
    assert owner_of_trail == owner_role
