"""Single sign-on with the department's directory (Microsoft Entra ID, Okta, Keycloak, ADFS),
by OpenID Connect through mozilla-django-oidc.

- The provider is found by discovery from CRD_OIDC_ISSUER alone; the code flow runs with
  PKCE and a nonce; the ID token's signature is checked against the provider's published
  keys, and its issuer, audience and expiry against what was asked.
- The directory's groups decide roles and unit through the mapping the administrator keeps
  (DirectoryGroup, in the admin site). Someone in no group that gives a role is refused,
  and an account they had is deactivated; back in one, they are let in again.
- An account is created at the first sign-in, or an existing one with the same DSN is
  taken over; never a superuser's. A directory account has no password here.
- The second factor: accepted from the directory when its `amr` or `acr` claim says it
  asked for one; otherwise asked here, as after a password, when the role requires it.
- With single sign-on on, the password form signs in superusers only (the emergency
  administrators), unless CRD_OIDC_LOCAL_SIGNIN is "everyone".
- Every sign-in and refusal is in the audit trail (accounts/sso_views.py).
"""

import base64
import hmac
import re

import jwt
import requests
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import absolutify, import_from_settings

from accounts.models import DirectoryFactor, DirectoryGroup, DirectoryLink, User
from core.roles import Role

DISCOVERY_KEY = "crd:oidc-discovery"
DISCOVERY_SECONDS = 3600
TIMEOUT_SECONDS = 10
BACKEND = "accounts.sso.DirectoryBackend"

NOT_IN_A_GROUP = _(
    "Your directory account is in no group that gives a role on this desk, so you cannot "
    "sign in. If you should, ask your administrator to add you to the right group."
)
NO_DSN = _(
    "The directory did not give your DSN (departmental serial number), which every member "
    "needs here. Ask your administrator to add it to your directory account."
)
DEACTIVATED_HERE = _(
    "Your account on this desk was deactivated by an administrator. Ask them to reactivate it."
)
NOT_FOR_ADMINISTRATORS = _(
    "This DSN belongs to one of the desk's own administrator accounts, which sign in with "
    "their password only. Ask your administrator."
)
UNCHECKED = _(
    "The directory's answer could not be checked, so you were not signed in. Try again; "
    "if it happens again, tell your administrator."
)
UNREACHABLE = _(
    "The department directory cannot be reached just now. Try again in a few minutes, or "
    "tell your administrator."
)


class DirectoryUnavailable(Exception):
    """Discovery failed: the provider is down, or its document is not what was configured."""


class Refused(Exception):
    """The directory's answer checked out, and this desk still says no."""

    def __init__(self, message, detail: str, user: User | None = None):
        super().__init__(detail)
        self.message = message
        self.detail = detail
        self.user = user


def enabled() -> bool:
    return bool(settings.CRD_OIDC_ISSUER)


def issuer() -> str:
    return settings.CRD_OIDC_ISSUER.rstrip("/")


def discovery() -> dict:
    """The provider's discovery document, kept an hour in the cache."""
    document = cache.get(DISCOVERY_KEY)
    if document:
        return document
    try:
        response = requests.get(
            f"{issuer()}/.well-known/openid-configuration", timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DirectoryUnavailable(str(error)) from error
    if str(document.get("issuer", "")).rstrip("/") != issuer():
        raise DirectoryUnavailable(f"The provider calls itself {document.get('issuer')!r}")
    missing = {"authorization_endpoint", "token_endpoint", "jwks_uri"} - document.keys()
    if missing:
        raise DirectoryUnavailable(f"No {', '.join(sorted(missing))} in the discovery document")
    cache.set(DISCOVERY_KEY, document, DISCOVERY_SECONDS)
    return document


def option(name: str, *default):
    """mozilla-django-oidc's settings, answered from this product's own."""
    fixed = {
        "OIDC_RP_CLIENT_ID": settings.CRD_OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": settings.CRD_OIDC_CLIENT_SECRET,
        "OIDC_RP_SCOPES": settings.CRD_OIDC_SCOPES,
        "OIDC_RP_SIGN_ALGO": settings.CRD_OIDC_SIGN_ALGO,
        "OIDC_USE_PKCE": True,
        "OIDC_USE_NONCE": True,
        "OIDC_TIMEOUT": TIMEOUT_SECONDS,
        "OIDC_AUTHENTICATION_CALLBACK_URL": "accounts:sso-callback",
        # The tokens are not kept in the session: nothing here calls the directory's APIs.
        "OIDC_STORE_ACCESS_TOKEN": False,  # nosec B105 - a switch, not a secret
        "OIDC_STORE_ID_TOKEN": False,  # nosec B105 - a switch, not a secret
    }
    if name in fixed:
        return fixed[name]
    return import_from_settings(name, *default)


def second_factor(claims: dict) -> str:
    """How the directory says it asked for a second factor ("amr: pwd, mfa"), or ""."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(amr) & set(settings.CRD_OIDC_MFA_AMR):
        return "amr: " + ", ".join(str(value) for value in amr)
    acr = str(claims.get("acr") or "")
    if acr and acr in settings.CRD_OIDC_MFA_ACR:
        return f"acr: {acr}"
    return ""


def _fernet() -> Fernet:
    key = hmac.new(
        settings.SECRET_KEY.encode(), b"community-relations-desk directory tokens", "sha256"
    ).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(token: str) -> str:
    return _fernet().encrypt(token.encode()).decode() if token else ""


def unseal(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode() if sealed else ""
    except InvalidToken:
        return ""


def local_signin_allowed(user) -> bool:
    """The password form, with single sign-on on: superusers only, unless told otherwise."""
    if not enabled() or settings.CRD_OIDC_LOCAL_SIGNIN == "everyone":
        return True
    return user.is_superuser


class DirectoryBackend(OIDCAuthenticationBackend):
    """Checks the directory's answer and decides who it is here. Called by the callback view
    (accounts/sso_views.py) through `sign_in`; authenticate() for passwords passes it by."""

    get_settings = staticmethod(option)

    def __init__(self, *args, **kwargs):
        # The endpoints come from discovery when a sign-in needs them, not from settings.
        self.UserModel = User

    def authenticate(self, request, **credentials):
        return None

    def get_user(self, user_id):
        """The session's person, with their roles read in the same query (User.signed_in)."""
        user = User.signed_in(user_id)
        return user if user is not None and user.is_active else None

    def sign_in(self, request, *, nonce: str, code_verifier: str | None) -> tuple[User, dict]:
        """The code exchanged for tokens, the ID token checked, the person found or made."""
        document = discovery()
        self.request = request
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.CRD_OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.CRD_OIDC_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.CRD_OIDC_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        payload = {
            "client_id": self.OIDC_RP_CLIENT_ID,
            "client_secret": self.OIDC_RP_CLIENT_SECRET,
            "grant_type": "authorization_code",
            "code": request.GET["code"],
            "redirect_uri": absolutify(request, reverse("accounts:sso-callback")),
        }
        if code_verifier:
            payload["code_verifier"] = code_verifier
        tokens = self.get_token(payload)
        claims = self.verify_token(tokens["id_token"], nonce=nonce)
        if self.OIDC_OP_USER_ENDPOINT and tokens.get("access_token"):
            info = self.get_userinfo(tokens["access_token"], tokens["id_token"], claims)
            if info.get("sub") != claims["sub"]:
                raise SuspiciousOperation("userinfo speaks of another subject")
            # What the signed token says wins over the userinfo answer.
            claims = {**info, **claims}
        user = self.person(claims)
        if tokens.get("refresh_token"):
            # Kept to ask the directory, between sign-ins, whether the account still stands.
            DirectoryLink.objects.filter(user=user).update(
                refresh_token=seal(tokens["refresh_token"]), checked_at=timezone.now()
            )
        return user, claims

    def verify_token(self, token, **kwargs):
        """The signature and nonce (the library), then the issuer, audience and times."""
        claims = super().verify_token(token, **kwargs)
        if str(claims.get("iss", "")).rstrip("/") != issuer():
            raise SuspiciousOperation(f"ID token from another issuer: {claims.get('iss')!r}")
        audience = claims.get("aud")
        audience = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.CRD_OIDC_CLIENT_ID not in audience:
            raise SuspiciousOperation("ID token for another client")
        if "exp" not in claims or not claims.get("sub"):
            raise SuspiciousOperation("ID token without an expiry or a subject")
        return claims

    def person(self, claims: dict) -> User:
        """The account for these claims, made or brought up to date; Refused otherwise."""
        subject = str(claims["sub"])
        link = DirectoryLink.objects.select_related("user").filter(subject=subject).first()
        user = link.user if link else None
        names = claims.get(settings.CRD_OIDC_GROUPS_CLAIM) or []
        names = [names] if isinstance(names, str) else [str(name) for name in names]
        mapped = list(DirectoryGroup.objects.filter(name__in=names).order_by("name"))
        roles = {group.role for group in mapped if group.role}
        if not roles:
            if user is not None and user.is_active:
                deactivate(user, link)
                raise Refused(
                    NOT_IN_A_GROUP,
                    f"Single sign-on refused: {user.username} is in no group that gives a "
                    "role; the account was deactivated",
                    user,
                )
            raise Refused(
                NOT_IN_A_GROUP, _refusal_detail(claims, "is in no group that gives a role"), user
            )
        if user is None:
            user, link = _new_link(claims, subject)
        elif not user.is_active:
            if link.deactivated_at is None:
                raise Refused(
                    DEACTIVATED_HERE,
                    f"Single sign-on refused: {user.username} was deactivated by an administrator",
                    user,
                )
            user.is_active = True
            link.deactivated_at = None
        _update(user, claims, mapped)
        link.signed_in_at = timezone.now()
        with transaction.atomic():
            user.save()
            link.user = user
            link.save()
            _set_roles(user, roles)
        return user


def _refusal_detail(claims: dict, why: str) -> str:
    who = claims.get("preferred_username") or claims.get("email") or claims.get("sub")
    return f"Single sign-on refused: {who} {why}"


def _new_link(claims: dict, subject: str) -> tuple[User, DirectoryLink]:
    dsn = str(claims.get(settings.CRD_OIDC_DSN_CLAIM) or "").strip()[:20]
    if not dsn:
        raise Refused(NO_DSN, _refusal_detail(claims, f"has no {settings.CRD_OIDC_DSN_CLAIM}"))
    user = User.objects.filter(dsn=dsn).first()
    if user is not None and (user.is_superuser or hasattr(user, "directory_link")):
        raise Refused(
            NOT_FOR_ADMINISTRATORS,
            _refusal_detail(claims, f"gave DSN {dsn}, an administrator's or another's"),
        )
    if user is None:
        user = User(username=_free_username(claims, dsn), dsn=dsn)
        user.set_unusable_password()
    return user, DirectoryLink(subject=subject)


def _free_username(claims: dict, dsn: str) -> str:
    wanted = str(claims.get("preferred_username") or claims.get("email") or dsn)
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or dsn
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _update(user: User, claims: dict, mapped: list[DirectoryGroup]) -> None:
    user.first_name = str(claims.get("given_name") or user.first_name)[:150]
    user.last_name = str(claims.get("family_name") or user.last_name)[:150]
    user.email = str(claims.get("email") or user.email)[:254]
    if claims.get("title"):
        user.rank = str(claims["title"])[:60]
    unit = next((group.unit for group in mapped if group.unit), "")
    if unit:
        user.unit = unit


def _set_roles(user: User, roles: set[str]) -> None:
    """Exactly the roles the directory's groups give; other groups are left as they are."""
    user.groups.remove(*Group.objects.filter(name__in=set(Role.values) - roles))
    user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in sorted(roles)))


def deactivate(user: User, link: DirectoryLink | None) -> None:
    """The directory no longer gives this person a role: the account stops, at once on
    every server (the session backends check is_active on every request)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        if link is not None:
            DirectoryLink.objects.filter(pk=link.pk).update(deactivated_at=timezone.now())
    user.is_active = False


def directory_factor(user: User) -> DirectoryFactor:
    device, _ = DirectoryFactor.objects.get_or_create(
        user=user, defaults={"name": "Directory sign-in", "confirmed": True}
    )
    return device


UNCHECKED_ERRORS = (
    requests.RequestException,
    SuspiciousOperation,
    jwt.InvalidTokenError,
    KeyError,
    ValueError,
)
