"""The audit trail (security issue, item 5): row changes caught by database triggers with
who, from where and by which request; sign-in events; exports; views of source details;
the append-only table; the Chief's search page and CSV; archiving."""

import csv
import datetime as dt
import gzip
import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_SEEN
from accounts.models import User
from audit.models import AuditEvent
from audit.triggers import NOT_AUDITED, ROW_TRIGGER, audited_tables, install_triggers
from concerns.models import Concern
from tests.factories import TEST_PASSWORD, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db
A = AuditEvent.Action
AUDIT = reverse("audit:trail")
EXPORT = reverse("audit:export")
LOGIN = reverse("accounts:login")


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def one(**filters):
    found = events(**filters)
    assert len(found) == 1, found
    return found[0]


def intake(**overrides):
    data = {
        "date_received": timezone.localdate().isoformat(),
        "source_type": "citizen",
        "source_name": "Quinn Resident",
        "source_contact": "555-0142",
        "category": "traffic",
        "nature": "actual",
        "area": "Oak and 3rd",
        "priority": "normal",
        "summary": "Trucks idling at night",
        "description": "Trucks idle at night.",
        "suggestions": "",
        "intake_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


# --- Row changes, by trigger -------------------------------------------------------------


def test_every_model_table_carries_the_trigger():
    tables = audited_tables()
    assert {"concerns_concern", "accounts_user", "surveys_response"} <= set(tables)
    assert not set(tables) & NOT_AUDITED
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s",
            [ROW_TRIGGER],
        )
        covered = {name for (name,) in cursor.fetchall()}
    assert set(tables) <= covered, set(tables) - covered
    assert install_triggers() == len(tables)  # idempotent


def test_a_change_through_a_page_names_the_member_their_address_and_the_request(
    client_for, officer
):
    client = client_for(officer)
    response = client.post(reverse("concerns:new"), intake(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302
    concern = Concern.objects.get(area="Oak and 3rd")
    created = one(action=A.INSERT, record_type="concerns_concern", record_id=str(concern.pk))
    assert created.actor_id == officer.pk and created.actor_name == officer.username
    assert created.client_address == "10.1.2.3"
    assert created.path == "POST /concerns/new/"
    assert created.changes["area"] == "Oak and 3rd"
    assert created.at.tzinfo is not None and created.at.utcoffset() == dt.timedelta(0)
    # The timeline line written in the same request carries the same member.
    assert {e.actor_id for e in events(record_type="concerns_concernupdate")} == {officer.pk}


def test_bulk_changes_and_deletes_outside_a_request_are_caught_with_no_member():
    concerns = ConcernFactory.create_batch(3)
    AuditEvent.objects.filter(record_type="concerns_concern").count()
    Concern.objects.filter(pk__in=[c.pk for c in concerns]).update(area="Pine Street")
    updates = events(action=A.UPDATE, record_type="concerns_concern")
    assert len(updates) == 3
    assert updates[0].changes["area"] == ["Elm Street", "Pine Street"]
    assert updates[0].actor_id is None and updates[0].path == ""
    Concern.objects.filter(pk=concerns[0].pk).delete()
    deleted = one(action=A.DELETE, record_type="concerns_concern")
    assert deleted.record_id == str(concerns[0].pk) and deleted.changes["area"] == "Pine Street"


def test_a_save_that_changes_nothing_records_nothing():
    concern = ConcernFactory()
    before = AuditEvent.objects.count()
    Concern.objects.filter(pk=concern.pk).update(area=concern.area)
    assert AuditEvent.objects.count() == before


def test_password_hashes_and_second_factor_secrets_never_enter_the_trail(officer):
    officer.set_password("another-long-passphrase")
    officer.save()
    TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
    change = one(action=A.UPDATE, record_type="accounts_user", record_id=str(officer.pk))
    assert change.changes["password"] == "(changed)"
    device = one(action=A.INSERT, record_type="otp_totp_totpdevice")
    assert "key" not in device.changes
    hashed = User.objects.get(pk=officer.pk).password
    key = TOTPDevice.objects.get(user=officer).key
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM audit_auditevent WHERE changes::text LIKE %s "
            "OR changes::text LIKE %s",
            [f"%{hashed[-20:]}%", f"%{key}%"],
        )
        assert cursor.fetchone()[0] == 0


# --- Append-only ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET actor_name = 'someone else'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_change_or_delete_the_trail(statement):
    ConcernFactory()
    count = AuditEvent.objects.count()
    assert count > 0
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == count
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert not AuditEvent.objects.filter(actor_name="someone else").exists()


# --- Sign-in events ------------------------------------------------------------------------


def test_sign_in_failure_and_sign_out_are_recorded(client, officer):
    client.post(LOGIN, {"username": officer.username, "password": "wrong"}, REMOTE_ADDR="10.9.8.7")
    failed = one(action=A.LOGIN_FAILED)
    assert failed.actor_id is None and failed.actor_name == officer.username
    assert failed.client_address == "10.9.8.7" and failed.path == "POST /accounts/login/"
    client.post(LOGIN, {"username": "nobody-here", "password": "wrong"})
    assert events(action=A.LOGIN_FAILED)[-1].actor_name == "nobody-here"
    response = client.post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert one(action=A.LOGIN).actor_id == officer.pk
    client.post(reverse("accounts:logout"))
    assert one(action=A.LOGOUT).actor_id == officer.pk


def test_a_lockout_and_its_unlock_are_recorded(client, client_for, officer, cro):
    for n in range(5):  # from five clients: one alone only meets delays (accounts.lockout)
        client.post(
            LOGIN, {"username": officer.username, "password": "wrong"}, REMOTE_ADDR=f"10.0.0.{n}"
        )
    locked = one(action=A.LOCKOUT)
    assert locked.actor_name == officer.username and officer.username in locked.detail
    client_for(cro).post(reverse("accounts:locked"), {"username": officer.username})
    unlocked = one(action=A.UNLOCK)
    assert unlocked.actor_id == cro.pk and officer.username in unlocked.detail


def test_an_idle_sign_out_says_why(client_for, officer):
    client = client_for(officer)
    session = client.session
    session[LAST_SEEN] = int(timezone.now().timestamp()) - 31 * 60
    session.save()
    client.get(reverse("home"))
    assert "30 minutes" in one(action=A.LOGOUT).detail


def test_a_password_change_is_recorded_but_a_hash_upgrade_is_not(client_for, officer):
    client = client_for(officer)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    changed = one(action=A.PASSWORD)
    assert changed.actor_id == officer.pk and changed.path == "POST /accounts/password/"
    assert changed.record_id == str(officer.pk)
    officer.refresh_from_db()
    officer.set_password("rehash-only-passphrase")
    officer.save(update_fields=["password"])
    assert len(events(action=A.PASSWORD)) == 1


def test_second_factor_changes_are_recorded_but_not_each_code(officer):
    device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=False)
    assert not events(action=A.MFA)  # set-up begun, nothing turned on
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    device.throttle_increment()  # what a wrong code saves
    StaticDevice.objects.create(user=officer, name="Recovery codes", confirmed=True)
    device.delete()
    details = [e.detail for e in events(action=A.MFA)]
    assert details == [
        f"Authenticator added for {officer.username}",
        f"Recovery codes added for {officer.username}",
        f"Authenticator removed for {officer.username}",
    ]


# --- Reading: exports and source details --------------------------------------------------


def test_every_pdf_and_csv_download_is_recorded(client_for, chief):
    client = client_for(chief)
    ConcernFactory()
    response = client.get(reverse("concerns:export"))
    b"".join(response.streaming_content)
    csv_event = one(action=A.EXPORT, detail__startswith="CSV")
    assert csv_event.actor_id == chief.pk and csv_event.path == "GET /concerns/export.csv"
    assert client.get(reverse("dashboard-pdf")).status_code == 200
    assert one(action=A.EXPORT, detail__startswith="PDF").actor_id == chief.pk


def test_a_refused_download_records_no_export(client_for, officer):
    assert client_for(officer).get(reverse("concerns:export")).status_code == 403
    assert not events(action=A.EXPORT)


def test_viewing_source_details_is_recorded_once_per_view(client_for, supervisor, officer):
    concern = ConcernFactory(reported_by=officer)
    client_for(supervisor).get(concern.get_absolute_url())
    seen = one(action=A.SOURCE_VIEWED)
    assert seen.actor_id == supervisor.pk and seen.record_id == str(concern.pk)
    assert concern.reference in seen.detail


def test_no_source_event_when_nothing_confidential_is_shown(client_for, officer, other_officer):
    hidden = ConcernFactory(reported_by=other_officer, assignee=officer)
    empty = ConcernFactory(reported_by=officer, source_name="", source_contact="")
    client = client_for(officer)
    assert client.get(hidden.get_absolute_url()).status_code == 200
    assert client.get(empty.get_absolute_url()).status_code == 200
    assert not events(action=A.SOURCE_VIEWED)


# --- The Chief's search page ---------------------------------------------------------------


def _seed_trail(officer, cro):
    # Each event is dated by the test's clock, not the database's default `now()`, so the
    # search by date gives the same answer whatever day the suite runs (--edge-dates).
    AuditEvent.objects.create(
        action=A.LOGIN, actor=officer, actor_name=officer.username, at=timezone.now()
    )
    AuditEvent.objects.create(
        action=A.LOGIN,
        actor=cro,
        actor_name=cro.username,
        at=timezone.now() - dt.timedelta(days=40),
    )
    AuditEvent.objects.create(
        action=A.UPDATE,
        actor=cro,
        actor_name=cro.username,
        at=timezone.now(),
        record_type="concerns_concern",
        record_id="77",
        changes={"status": ["new", "forwarded"]},
    )


def test_the_chief_searches_by_person_action_record_and_date(client_for, chief, officer, cro):
    _seed_trail(officer, cro)
    client = client_for(chief)
    page = client.get(AUDIT, {"person": cro.username}).content.decode()
    assert page.count(f"<td>{cro.username}</td>") == 2 and f"<td>{officer.username}" not in page
    page = client.get(AUDIT, {"action": "update", "person": cro.username}).content.decode()
    assert "forwarded" in page and "<td>Signed in</td>" not in page
    page = client.get(
        AUDIT, {"record_type": "concerns_concern", "record_id": "77"}
    ).content.decode()
    assert "<del>new</del> → <ins>forwarded</ins>" in page
    since = (timezone.now() - dt.timedelta(days=1)).date().isoformat()
    page = client.get(AUDIT, {"person": cro.username, "since": since}).content.decode()
    assert page.count(f"<td>{cro.username}</td>") == 1
    assert "Times are in UTC" in page


def test_a_bad_search_says_what_is_wrong_and_keeps_what_was_typed(client_for, chief):
    page = client_for(chief).get(
        AUDIT, {"person": "t-cro", "since": "2026-05-02", "until": "2026-05-01", "record_id": "9"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "The end date is before the start date." in text
    assert "Choose the kind of record the number belongs to." in text
    assert 'value="t-cro"' in text and "No entries found" in text


def test_older_entries_page_by_id_without_counting(client_for, chief, django_assert_num_queries):
    AuditEvent.objects.bulk_create(
        AuditEvent(action=A.LOGIN_FAILED, actor_name=f"guess{n}") for n in range(105)
    )
    client = client_for(chief)
    first = client.get(AUDIT, {"action": "login_failed"})
    rows = first.context["rows"]
    assert len(rows) == 100 and rows[0].actor_name == "guess104"
    second = client.get(AUDIT, {"action": "login_failed", "before": first.context["older"]})
    assert [r.actor_name for r in second.context["rows"]] == [f"guess{n}" for n in range(4, -1, -1)]
    assert second.context["older"] is None


def test_the_page_costs_the_same_queries_for_ten_or_a_hundred_entries(
    client_for, chief, django_assert_max_num_queries
):
    client = client_for(chief)
    AuditEvent.objects.bulk_create(AuditEvent(action=A.LOGIN, actor_name="x") for _ in range(10))
    client.get(AUDIT)
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(conn) as few:
        client.get(AUDIT)
    AuditEvent.objects.bulk_create(AuditEvent(action=A.LOGIN, actor_name="y") for _ in range(90))
    with CaptureQueriesContext(conn) as many:
        client.get(AUDIT)
    # Naming the records costs one query per kind of record on the page (audit/naming.py):
    # bounded by the kinds there are, never by the entries.
    from audit import naming

    assert abs(len(many) - len(few)) <= len(naming.NAMERS)
    assert max(len(few), len(many)) <= 12 + len(naming.NAMERS)


def test_the_csv_holds_the_search_oldest_first_and_is_itself_recorded(
    client_for, chief, officer, cro
):
    _seed_trail(officer, cro)
    response = client_for(chief).get(EXPORT, {"person": cro.username})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["action"] for r in rows] == ["login", "update"]
    assert rows[1]["changes"] == '{"status": ["new", "forwarded"]}'
    assert rows[0]["time_utc"].endswith("+00:00")
    export = one(action=A.EXPORT)
    assert export.actor_id == chief.pk and "audit-trail.csv" in export.detail


@pytest.mark.parametrize("who", ["cro", "supervisor", "officer", "outsider"])
def test_only_the_chief_and_administrators_read_the_trail(client_for, personas, outsider, who):
    user = outsider if who == "outsider" else personas[who]
    client = client_for(user)
    assert client.get(AUDIT).status_code == 403
    assert client.get(EXPORT).status_code == 403


def test_an_administrator_reads_the_trail(client_for):
    admin = UserFactory(username="t-admin", is_superuser=True, is_staff=True, dsn=None)
    assert client_for(admin).get(AUDIT).status_code == 200


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(AUDIT)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- Keeping and archiving -----------------------------------------------------------------


def test_archiving_moves_entries_older_than_a_year_to_a_file_and_keeps_the_rest(tmp_path):
    # The rows the triggers write are dated by the database's clock, which a frozen test
    # clock does not move (--edge-dates): the cutoff lies far enough back that those rows,
    # dated on the day the suite really runs, stay younger than it.
    old = timezone.now() - dt.timedelta(days=800)
    for n in range(3):
        AuditEvent.objects.create(action=A.LOGIN, actor_name=f"old{n}", at=old)
    recent = AuditEvent.objects.create(action=A.LOGIN, actor_name="recent", at=timezone.now())
    cutoff = (timezone.now() - dt.timedelta(days=790)).date().isoformat()
    out = tmp_path / "audit-old.csv.gz"
    call_command("archive_audit", before=cutoff, out=str(out), stdout=io.StringIO())
    with gzip.open(out, "rt") as handle:
        archived = list(csv.DictReader(handle))
    assert [r["person"] for r in archived] == ["old0", "old1", "old2"]
    assert not AuditEvent.objects.filter(actor_name__startswith="old").exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
    assert "3 entries" in one(action=A.ARCHIVED).detail
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=recent.pk).delete()


def test_archiving_refuses_anything_younger_than_a_year(tmp_path):
    AuditEvent.objects.create(action=A.LOGIN, actor_name="recent")
    recent = (timezone.now() - dt.timedelta(days=200)).date().isoformat()
    with pytest.raises(CommandError, match="kept at least 365 days"):
        call_command("archive_audit", before=recent, out=str(tmp_path / "x.csv.gz"))
    assert AuditEvent.objects.filter(actor_name="recent").exists()
    with pytest.raises(CommandError, match="not a date"):
        call_command("archive_audit", before="last year", out=str(tmp_path / "y.csv.gz"))
