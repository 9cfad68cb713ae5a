"""The directory's word between sign-ins: every hour, each active directory account's refresh
token is asked of the directory (the hourly sweep runs `check_accounts`, registered by the
notifications app). When the directory refuses it (`invalid_grant`: the person was
disabled, removed, or their sessions revoked) the account is deactivated at once, on every
server; when it answers, the person's groups are read again and an account whose groups
no longer give a role is deactivated too. A directory that cannot be reached changes
nothing: the accounts are checked again at the next sweep.

The token is kept sealed with a key derived from the secret key (Fernet); a token that
no longer opens (the secret key was changed) is dropped, and the next sign-in brings one."""

import datetime as dt
import logging

import requests
from django.conf import settings
from django.db.models import Q

from accounts import sso
from accounts.models import DirectoryGroup, DirectoryLink
from audit import trail as audit
from audit.models import AuditEvent

log = logging.getLogger(__name__)

CHECK_EVERY = dt.timedelta(hours=1)
BATCH = 500  # accounts asked in one sweep, oldest check first


def check_accounts(now: dt.datetime) -> int:
    """Asks the directory about each active account due a check; returns how many ended."""
    if not sso.enabled():
        return 0
    due = (
        DirectoryLink.objects.select_related("user")
        .filter(user__is_active=True)
        .exclude(refresh_token="")  # nosec B106 - no token kept
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - CHECK_EVERY))
        .order_by("checked_at")[:BATCH]
    )
    try:
        endpoint = sso.discovery()
    except sso.DirectoryUnavailable as error:
        log.warning("The directory cannot be reached; accounts not checked: %s", error)
        return 0
    return sum(_check(link, endpoint, now) for link in due)


def _check(link: DirectoryLink, document: dict, now: dt.datetime) -> int:
    token = sso.unseal(link.refresh_token)
    if not token:
        # A token that no longer opens is dropped (the next sign-in brings one).
        dropped = {"refresh_token": "", "checked_at": now}  # nosec B105 - emptied
        DirectoryLink.objects.filter(pk=link.pk).update(**dropped)
        return 0
    try:
        response = requests.post(
            document["token_endpoint"],
            data={
                "grant_type": "refresh_token",
                "refresh_token": token,
                "client_id": settings.CRD_OIDC_CLIENT_ID,
                "client_secret": settings.CRD_OIDC_CLIENT_SECRET,
            },
            timeout=sso.TIMEOUT_SECONDS,
        )
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        log.warning("Checking %s with the directory failed: %s", link.user.username, error)
        return 0
    if response.status_code == 400 and answer.get("error") == "invalid_grant":
        return _end(link, "the directory refused its refresh token (invalid_grant)")
    if response.status_code != 200:
        log.warning("The directory answered %s for %s", response.status_code, link.user)
        return 0
    fields = {"checked_at": now}
    if answer.get("refresh_token"):
        fields["refresh_token"] = sso.seal(answer["refresh_token"])
    DirectoryLink.objects.filter(pk=link.pk).update(**fields)
    groups = _groups(document, answer.get("access_token"))
    if groups is not None and not _gives_a_role(groups):
        return _end(link, "the directory no longer has them in a group that gives a role")
    return 0


def _groups(document: dict, access_token: str | None) -> list[str] | None:
    """The person's groups from the userinfo endpoint, or None when it cannot say."""
    if not access_token or not document.get("userinfo_endpoint"):
        return None
    try:
        response = requests.get(
            document["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=sso.TIMEOUT_SECONDS,
        )
        response.raise_for_status()
        claims = response.json()
    except (requests.RequestException, ValueError):
        return None
    if settings.CRD_OIDC_GROUPS_CLAIM not in claims:
        return None
    names = claims[settings.CRD_OIDC_GROUPS_CLAIM] or []
    return [names] if isinstance(names, str) else [str(name) for name in names]


def _gives_a_role(groups: list[str]) -> bool:
    return DirectoryGroup.objects.filter(name__in=groups).exclude(role="").exists()


def _end(link: DirectoryLink, why: str) -> int:
    sso.deactivate(link.user, link)
    DirectoryLink.objects.filter(pk=link.pk).update(refresh_token="")  # nosec B106 - emptied
    audit.record(
        AuditEvent.Action.DIRECTORY_ENDED,
        user=link.user,
        detail=f"{link.user.username}: {why}; the account was deactivated",
    )
    return 1
