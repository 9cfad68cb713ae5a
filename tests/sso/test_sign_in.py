"""Single sign-on end to end against a real OpenID Connect provider (tests/sso/provider):
discovery, the code flow with PKCE, an ID token signed with the provider's key and checked
against its published keys, roles and unit from the group mapping, the second factor from
the directory or asked here, refusals, and the audit trail of each."""

import re
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.test import Client
from django.urls import reverse

from accounts import sso
from accounts.models import DirectoryGroup, DirectoryLink, User
from audit.models import AuditEvent
from core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.sso.directory import CALLBACK, CLIENT_ID

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]


def through_directory(client, username: str, password: str, next_url: str = "/concerns/"):
    """A browser's trip: the desk → the directory's sign-in page → back to the desk. Returns
    the desk's answer to the callback, or None when the directory itself said no."""
    start = client.get(reverse("accounts:sso-start"), {"next": next_url})
    assert start.status_code == 302, start.content
    authorize = start["Location"]
    browser = requests.Session()
    answer = browser.get(authorize, allow_redirects=False, timeout=10)
    login_url = urljoin(authorize, answer.headers["Location"])
    page = browser.get(login_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": parse_qs(urlparse(login_url).query)["next"][0],
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    if signed.status_code != 302:
        return None
    back = browser.get(urljoin(login_url, signed.headers["Location"]), allow_redirects=False)
    location = back.headers["Location"]
    assert location.startswith(CALLBACK), location
    return client.get(location.removeprefix("http://testserver"))


@pytest.fixture
def mapping(db):
    DirectoryGroup.objects.create(name="CRD-Patrol", role=Role.OFFICER, unit="Patrol Division")
    DirectoryGroup.objects.create(name="CRD-Supervisors", role=Role.SUPERVISOR)
    DirectoryGroup.objects.create(name="CRD-Community", role=Role.CRO, unit="Community Affairs")
    DirectoryGroup.objects.create(name="Traffic-Section", unit="Traffic Section")


def events(action, since=0):
    return list(
        AuditEvent.objects.filter(action=action, pk__gt=since)
        .order_by("pk")
        .values_list("actor_name", "detail")
    )


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_first_sign_in_makes_the_member_from_the_directory(
    client, sso_settings, directory, mapping
):
    password = directory.person(
        "okafor",
        email="a.okafor@example.org",
        given_name="Adaeze",
        family_name="Okafor",
        groups=["CRD-Patrol", "Traffic-Section", "All staff"],
        employee_id="4471",
        title="Officer",
    )
    start = client.get(reverse("accounts:sso-start"), {"next": "/concerns/"})
    query = parse_qs(urlparse(start["Location"]).query)
    assert start["Location"].startswith(directory.issuer + "/authorize/")
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["nonce"] and query["state"] and query["client_id"] == [CLIENT_ID]

    answer = through_directory(client, "okafor", password)

    assert answer.status_code == 302 and answer["Location"] == "/concerns/"
    user = User.objects.get(dsn="4471")
    assert (user.username, user.first_name, user.last_name) == ("okafor", "Adaeze", "Okafor")
    assert (user.email, user.rank) == ("a.okafor@example.org", "Officer")
    # The first of the mapped groups, by name, that names a unit.
    assert user.unit == "Patrol Division"
    assert user.role_names == {Role.OFFICER.value}
    assert not user.has_usable_password()
    assert DirectoryLink.objects.get(user=user).subject
    assert client.get("/concerns/").status_code == 200
    assert events(AuditEvent.Action.LOGIN) == [("okafor", "Single sign-on")]


def test_the_next_sign_in_follows_the_directory(client, sso_settings, directory, mapping):
    password = directory.person("brandt", groups=["CRD-Patrol"], employee_id="5120")
    through_directory(client, "brandt", password)
    directory.person("brandt", groups=["CRD-Supervisors", "Traffic-Section"], employee_id="5120")
    client.logout()
    through_directory(client, "brandt", password)
    user = User.objects.get(dsn="5120")
    assert user.role_names == {Role.SUPERVISOR.value}
    assert user.unit == "Traffic Section"
    assert User.objects.filter(dsn="5120").count() == 1


def test_the_second_factor_comes_from_the_directory_when_it_says_so(
    client, sso_settings, directory, mapping
):
    password = directory.person(
        "reyes", groups=["CRD-Community"], employee_id="3002", second_factor=True
    )
    answer = through_directory(client, "reyes", password, next_url="/")
    assert answer.status_code == 302
    home = client.get("/")
    assert home.status_code == 200  # no code asked here
    assert events(AuditEvent.Action.LOGIN) == [
        ("reyes", "Single sign-on; second factor by the directory (amr: pwd, mfa, otp)")
    ]


def test_without_the_directorys_second_factor_it_is_asked_here(
    client, sso_settings, directory, mapping
):
    password = directory.person("lindqvist", groups=["CRD-Community"], employee_id="3003")
    through_directory(client, "lindqvist", password, next_url="/")
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:mfa-setup"))
    assert events(AuditEvent.Action.LOGIN_PENDING) == [
        ("lindqvist", "Single sign-on; second factor due here")
    ]
    assert events(AuditEvent.Action.LOGIN) == []


def test_out_of_every_group_the_account_stops_and_comes_back_with_the_group(
    client, sso_settings, directory, mapping, django_user_model
):
    password = directory.person("haddad", groups=["CRD-Patrol"], employee_id="6610")
    earlier = Client()
    through_directory(earlier, "haddad", password)
    assert earlier.get("/concerns/").status_code == 200

    directory.person("haddad", groups=["All staff"], employee_id="6610")
    since = last_event_id()
    refused = through_directory(client, "haddad", password)

    assert refused.status_code == 403
    assert "in no group that gives a role" in refused.content.decode()
    user = User.objects.get(dsn="6610")
    assert not user.is_active
    assert DirectoryLink.objects.get(user=user).deactivated_at is not None
    assert events(AuditEvent.Action.LOGIN_FAILED, since) == [
        (
            "haddad",
            "Single sign-on refused: haddad is in no group that gives a role; the account "
            "was deactivated",
        )
    ]
    # The session opened before is over too.
    assert earlier.get("/concerns/").status_code == 302

    directory.person("haddad", groups=["CRD-Patrol"], employee_id="6610")
    assert through_directory(client, "haddad", password).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert DirectoryLink.objects.get(user=user).deactivated_at is None


def test_a_person_removed_from_the_directory_is_refused_by_it(
    client, sso_settings, directory, mapping
):
    password = directory.person("voss", groups=["CRD-Patrol"], employee_id="7001")
    assert through_directory(client, "voss", password).status_code == 302
    client.logout()
    directory.remove("voss")
    since = last_event_id()
    assert through_directory(client, "voss", password) is None
    assert events(AuditEvent.Action.LOGIN, since) == []


def test_an_account_an_administrator_deactivated_stays_stopped(
    client, sso_settings, directory, mapping
):
    password = directory.person("moreau", groups=["CRD-Patrol"], employee_id="7002")
    through_directory(client, "moreau", password)
    client.logout()
    User.objects.filter(dsn="7002").update(is_active=False)
    refused = through_directory(client, "moreau", password)
    assert refused.status_code == 403
    assert "deactivated by an administrator" in refused.content.decode()
    assert not User.objects.get(dsn="7002").is_active


def test_no_group_no_dsn_and_an_administrators_dsn_are_refused(
    client, sso_settings, directory, mapping
):
    password = directory.person("nogroup", groups=["All staff"], employee_id="8001")
    assert through_directory(client, "nogroup", password).status_code == 403
    password = directory.person("nodsn", groups=["CRD-Patrol"])
    refused = through_directory(client, "nodsn", password)
    assert refused.status_code == 403
    assert "did not give your DSN" in refused.content.decode()
    UserFactory(username="root-admin", dsn="0001", is_superuser=True, is_staff=True)
    password = directory.person("imposter", groups=["CRD-Patrol"], employee_id="0001")
    refused = through_directory(client, "imposter", password)
    assert refused.status_code == 403
    assert User.objects.get(dsn="0001").username == "root-admin"
    assert not DirectoryLink.objects.exists()
    assert [detail for _, detail in events(AuditEvent.Action.LOGIN_FAILED)] == [
        "Single sign-on refused: nogroup is in no group that gives a role",
        "Single sign-on refused: nodsn has no employee_id",
        "Single sign-on refused: imposter gave DSN 0001, an administrator's or another's",
    ]


def test_an_existing_account_with_the_dsn_is_taken_over(client, sso_settings, directory, mapping):
    local = UserFactory(username="pchen", dsn="2210", roles=[Role.SUPERVISOR])
    password = directory.person("paul.chen", groups=["CRD-Patrol"], employee_id="2210")
    through_directory(client, "paul.chen", password)
    local.refresh_from_db()
    assert local.directory_link.subject
    assert local.role_names == {Role.OFFICER.value}  # the directory's roles, not the old ones
    assert User.objects.filter(dsn="2210").count() == 1


def test_a_state_used_twice_or_never_given_is_refused(client, sso_settings, directory, mapping):
    password = directory.person("ito", groups=["CRD-Patrol"], employee_id="7003")
    answer = through_directory(client, "ito", password)
    assert answer.status_code == 302
    client.logout()
    # The same code and state again (a replayed address): no sign-in begun for it.
    replay = client.get(reverse("accounts:sso-callback"), {"code": "x", "state": "y"})
    assert replay.status_code == 400
    assert "Start again" in replay.content.decode()
    refused = client.get(reverse("accounts:sso-callback"), {"error": "access_denied"})
    assert refused.status_code == 403
    assert [detail for _, detail in events(AuditEvent.Action.LOGIN_FAILED)] == [
        "Single sign-on: an answer for no sign-in begun in this browser",
        "Single sign-on: the directory refused (access_denied)",
    ]


def test_a_token_not_signed_by_the_directory_is_refused(sso_settings, directory):
    """The backend's check of an ID token, against the directory's real published keys."""
    document = sso.discovery()
    keys = requests.get(document["jwks_uri"], timeout=10).json()["keys"]
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": directory.issuer, "aud": CLIENT_ID, "sub": "1", "exp": 4102444800}
    forged = jwt.encode(claims, forged_key, algorithm="RS256", headers={"kid": keys[0]["kid"]})
    backend = sso.DirectoryBackend()
    backend.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
    backend.OIDC_RP_SIGN_ALGO = "RS256"
    backend.OIDC_RP_IDP_SIGN_KEY = None
    backend.OIDC_RP_CLIENT_SECRET = ""
    with pytest.raises((SuspiciousOperation, jwt.InvalidTokenError)):
        backend.verify_token(forged, nonce=None)


def test_the_password_form_is_for_administrators_while_sso_is_on(client, sso_settings, mapping):
    officer = UserFactory(roles=[Role.OFFICER])
    admin = UserFactory(is_superuser=True, is_staff=True)
    login = reverse("accounts:login")
    page = client.get(login)
    assert b'id="sso-start"' in page.content
    assert b"Administrators' own accounts" in page.content
    refused = client.post(login, {"username": officer.username, "password": TEST_PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    signed = client.post(login, {"username": admin.username, "password": TEST_PASSWORD})
    assert signed.status_code == 302
    client.logout()
    sso_settings.CRD_OIDC_LOCAL_SIGNIN = "everyone"
    signed = client.post(login, {"username": officer.username, "password": TEST_PASSWORD})
    assert signed.status_code == 302


def test_an_unreachable_directory_is_said_so(client, sso_settings):
    sso_settings.CRD_OIDC_ISSUER = "http://127.0.0.1:9/o"
    answer = client.get(reverse("accounts:sso-start"))
    assert answer.status_code == 503
    assert "cannot be reached" in answer.content.decode()
    assert events(AuditEvent.Action.LOGIN_FAILED)[0][1].startswith(
        "Single sign-on: the directory could not be reached"
    )


def test_a_directory_that_calls_itself_by_another_name_is_not_trusted(
    client, sso_settings, directory
):
    sso_settings.CRD_OIDC_ISSUER = directory.url + "/o/"  # the same, with a slash: trusted
    assert client.get(reverse("accounts:sso-start")).status_code == 302
    sso.cache.delete(sso.DISCOVERY_KEY)
    sso_settings.CRD_OIDC_ISSUER = directory.url.replace("127.0.0.1", "localhost") + "/o"
    assert client.get(reverse("accounts:sso-start")).status_code == 503


def test_without_an_issuer_there_is_no_single_sign_on(client, settings):
    settings.CRD_OIDC_ISSUER = ""
    assert client.get(reverse("accounts:sso-start")).status_code == 404
    assert client.get(reverse("accounts:sso-callback")).status_code == 404
    assert b'id="sso-start"' not in client.get(reverse("accounts:login")).content


def test_a_mapping_row_gives_a_role_a_unit_or_both(db):
    with pytest.raises(ValidationError, match="Give the group a role, a unit, or both"):
        DirectoryGroup(name="Everyone").full_clean()
    DirectoryGroup(name="Records", unit="Records Section").full_clean()


def test_a_code_the_directory_never_gave_is_refused_and_recorded(
    client, sso_settings, directory, mapping
):
    """A forged answer carrying this browser's own state: the directory refuses the code at
    its token endpoint, and nobody is signed in."""
    start = client.get(reverse("accounts:sso-start"))
    state = parse_qs(urlparse(start["Location"]).query)["state"][0]
    refused = client.get(reverse("accounts:sso-callback"), {"code": "made-up", "state": state})
    assert refused.status_code == 403
    assert "could not be checked" in refused.content.decode()
    assert not refused.wsgi_request.user.is_authenticated
    [(_, detail)] = events(AuditEvent.Action.LOGIN_FAILED)
    assert detail.startswith("Single sign-on: the directory's answer did not check out")
    assert not User.objects.filter(directory_link__isnull=False).exists()
