"""SMTP with OAuth 2.0 (XOAUTH2), for providers that no longer take a password for SMTP
(Exchange Online, Google Workspace).

Set `CRD_SMTP_OAUTH_TOKEN_URL` (the directory's token endpoint, for Microsoft Entra ID
`https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`), the application's
`CRD_SMTP_OAUTH_CLIENT_ID` and `CRD_SMTP_OAUTH_CLIENT_SECRET`, and `CRD_SMTP_OAUTH_SCOPE`
(Exchange Online's `https://outlook.office365.com/.default` by default); `EMAIL_URL` names
the server and the mailbox to send as, with no password:
`smtp+tls://community-relations%40dept.example.org@smtp.office365.com:587`.

The settings then choose `OAuthEmailBackend`: Django's SMTP backend that, after STARTTLS,
authenticates with `AUTH XOAUTH2` and a token from the client-credentials grant instead of
a password. A token is kept in the cache until a minute before it expires, so one token
serves every message of the hour; a refused token is forgotten, and the message's retry
(notifications/tasks.py) asks for a new one.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.core.mail.backends import smtp

TOKEN_KEY = "crd:smtp-oauth-token"  # noqa: S105 - a cache key, not a secret  # nosec B105
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class TokenError(Exception):
    """The token endpoint refused the application or answered something unreadable."""


def token_url() -> str:
    """The token endpoint; plain HTTP only on this machine (a test's own endpoint)."""
    url = settings.CRD_SMTP_OAUTH_TOKEN_URL
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return url
    raise ImproperlyConfigured("CRD_SMTP_OAUTH_TOKEN_URL must be an https:// address.")


def access_token() -> str:
    """A token for the mail server, from the cache while it is good."""
    token = cache.get(TOKEN_KEY)
    if token:
        return token
    body = urllib.parse.urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": settings.CRD_SMTP_OAUTH_CLIENT_ID,
            "client_secret": settings.CRD_SMTP_OAUTH_CLIENT_SECRET,
            "scope": settings.CRD_SMTP_OAUTH_SCOPE,
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by token_url()
        token_url(), data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310  # nosec B310
            answer = json.load(response)
        token = answer["access_token"]
        lifetime = int(answer.get("expires_in", 3600))
    except urllib.error.HTTPError as error:
        detail = error.read()[:300].decode(errors="replace")
        raise TokenError(f"the token endpoint answered {error.code}: {detail}") from error
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TokenError(f"no token from the token endpoint: {error}") from error
    cache.set(TOKEN_KEY, token, max(lifetime - 60, 30))
    return token


def xoauth2(user: str, token: str) -> str:
    """The XOAUTH2 initial response (before base64, which smtplib adds)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


class OAuthEmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, signing in with a token instead of a password."""

    def open(self):
        if self.connection:
            return False
        user, password = self.username, self.password
        self.username, self.password = "", ""  # Django's open() must not try a password
        try:
            opened = super().open()
        finally:
            self.username, self.password = user, password
        if not self.connection:
            return opened
        try:
            token = access_token()
            self.connection.ehlo_or_helo_if_needed()
            # On a refusal the server sends a challenge (its error, in JSON); the client
            # answers it with an empty line, and the server then refuses with a 535.
            self.connection.auth(
                "XOAUTH2",
                lambda challenge=None: "" if challenge is not None else xoauth2(user, token),
                initial_response_ok=True,
            )
        except Exception:
            cache.delete(TOKEN_KEY)
            self.close()
            if not self.fail_silently:
                raise
            return False
        return opened
