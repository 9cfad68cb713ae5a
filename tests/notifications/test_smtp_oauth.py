"""SMTP with OAuth 2.0 (issue 25): the product takes a token from a token endpoint by the
client-credentials grant and signs in to the mail server with AUTH XOAUTH2. Tested against
a real SMTP server (aiosmtpd) that accepts only XOAUTH2 with the token its directory
issued, and a real token endpoint on this machine: no password is ever sent."""

import base64
import json
import socket
import threading
import urllib.parse
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from notifications import smtp_oauth
from notifications.models import OutboundEmail
from notifications.tasks import deliver
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

SENDER = "community-relations@riverbend.example.org"
CLIENT_ID = "crd-mail"
CLIENT_SECRET = "s3cret-from-the-directory"  # noqa: S105  # nosec B105 - a test's own


class Directory:
    """A token endpoint: the client-credentials grant for one application, a new token
    each time it is asked."""

    def __init__(self):
        self.issued: list[str] = []
        self.refuse = False
        directory = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                good = form == {
                    "grant_type": "client_credentials",
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "scope": "https://outlook.office365.com/.default",
                }
                if directory.refuse or not good:
                    self._answer(401, {"error": "invalid_client"})
                    return
                directory.issued.append(f"token-{len(directory.issued) + 1}")
                self._answer(200, {"access_token": directory.issued[-1], "expires_in": 3599})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/oauth2/v2.0/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class MailServer:
    """Accepts mail only after AUTH XOAUTH2 for the sender with a token the directory
    issued and has not revoked; a refusal is answered as Exchange Online does, with a 334
    challenge carrying the error, then 535."""

    def __init__(self, directory: Directory):
        self.directory = directory
        self.revoked: set[str] = set()
        self.received: list[bytes] = []
        self.signed_in: list[str] = []

    async def auth_XOAUTH2(self, server, args):
        response = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
        fields = dict(part.split("=", 1) for part in response.split("\x01") if "=" in part)
        token = fields.get("auth", "").removeprefix("Bearer ")
        issued = token in self.directory.issued and token not in self.revoked
        if fields.get("user") == SENDER and issued:
            self.signed_in.append(token)
            return AuthResult(success=True)
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "mail"})
        await server.challenge_auth(error)
        return AuthResult(success=False, handled=False)  # then 535, as Exchange Online says

    async def handle_DATA(self, server, session, envelope):
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def directory():
    running = Directory()
    yield running
    running.close()


@pytest.fixture
def mail_server(directory, settings):
    handler = MailServer(directory)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, auth_required=True, auth_require_tls=False
    )
    controller.start()
    settings.EMAIL_BACKEND = "notifications.smtp_oauth.OAuthEmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = SENDER, ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.CRD_SMTP_OAUTH_TOKEN_URL = directory.url
    settings.CRD_SMTP_OAUTH_CLIENT_ID = CLIENT_ID
    settings.CRD_SMTP_OAUTH_CLIENT_SECRET = CLIENT_SECRET
    AgencyFactory()
    yield handler
    controller.stop()


def queued(n: int) -> OutboundEmail:
    return OutboundEmail.objects.create(
        to=f"resident{n}@example.org",
        subject=f"Your concern ({n})",
        body_text="We have your concern.",
        body_html="<p>We have your concern.</p>",
    )


def test_messages_leave_signed_in_with_one_token(mail_server, directory):
    first, second = queued(1), queued(2)
    assert deliver(first.pk) == OutboundEmail.Status.SENT
    assert deliver(second.pk) == OutboundEmail.Status.SENT
    assert directory.issued == ["token-1"]  # kept in the cache for the hour
    assert mail_server.signed_in == ["token-1", "token-1"]
    received = message_from_bytes(mail_server.received[0])
    assert received["To"] == "resident1@example.org"
    assert received["Subject"] == "Your concern (1)"


def test_a_refused_token_is_forgotten_and_the_retry_takes_a_new_one(mail_server, directory):
    email = queued(1)
    assert deliver(email.pk) == OutboundEmail.Status.SENT
    mail_server.revoked.add("token-1")  # the directory revoked it before it expired
    again = queued(2)
    assert deliver(again.pk) == OutboundEmail.Status.QUEUED  # to be retried
    again.refresh_from_db()
    assert "SMTPAuthenticationError" in again.last_error
    assert cache.get(smtp_oauth.TOKEN_KEY) is None
    OutboundEmail.objects.filter(pk=again.pk).update(next_attempt_at=None)
    assert deliver(again.pk) == OutboundEmail.Status.SENT
    assert directory.issued == ["token-1", "token-2"]
    assert mail_server.signed_in[-1] == "token-2"


def test_a_directory_that_refuses_the_application_leaves_the_message_queued(mail_server, directory):
    directory.refuse = True
    email = queued(1)
    assert deliver(email.pk) == OutboundEmail.Status.QUEUED
    email.refresh_from_db()
    assert "TokenError" in email.last_error and "401" in email.last_error
    assert mail_server.received == []


def test_the_token_endpoint_must_be_https_away_from_this_machine(settings):
    settings.CRD_SMTP_OAUTH_TOKEN_URL = "http://login.example.org/token"
    with pytest.raises(ImproperlyConfigured):
        smtp_oauth.token_url()
    settings.CRD_SMTP_OAUTH_TOKEN_URL = "https://login.microsoftonline.com/t/oauth2/v2.0/token"
    assert smtp_oauth.token_url() == settings.CRD_SMTP_OAUTH_TOKEN_URL


def test_the_initial_response_is_xoauth2():
    assert smtp_oauth.xoauth2("a@b.org", "tok") == "user=a@b.org\x01auth=Bearer tok\x01\x01"
