"""Fixtures, loaded by tests/conftest.py: a real OpenID Connect provider for the single
sign-on tests (tests/sso/provider), started once per test process on a port of its own,
with its own RSA signing key, and reached over HTTP by the application's discovery, token
and key requests, as Entra ID or Keycloak is. Its process starts only when a test asks."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache

from accounts import sso

CHECKOUT = Path(__file__).resolve().parents[2]
CLIENT_ID = "community-relations-desk"
CALLBACK = "http://testserver/accounts/sso/callback/"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Directory:
    """The tests' hand on the provider: people added, changed and removed as IT would."""

    def __init__(self, url: str, token: str, secret: str):
        self.url = url
        self.issuer = f"{url}/o"
        self.token = token
        self.client_secret = secret

    def _send(self, method: str, path: str, body: dict | None = None) -> None:
        request = urllib.request.Request(  # noqa: S310 - the test's own provider
            f"{self.url}{path}",
            data=json.dumps(body).encode() if body is not None else None,
            method=method,
            headers={"X-Setup-Token": self.token, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            pass

    def person(self, username: str, **attributes) -> str:
        """Adds or changes a person; returns the password they sign in with."""
        attributes.setdefault("password", "directory-pass-" + username)
        self._send("PUT", f"/setup/person/{username}/", attributes)
        return attributes["password"]

    def remove(self, username: str) -> None:
        self._send("DELETE", f"/setup/person/{username}/")

    def allow_return_to(self, *uris: str) -> None:
        self._send("POST", "/setup/redirect-uris/", {"uris": [CALLBACK, *uris]})


@pytest.fixture(scope="session")
def directory(tmp_path_factory):
    folder = tmp_path_factory.mktemp("directory")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    port = _free_port()
    env = {
        **os.environ,
        "DIRECTORY_SECRET": secrets.token_hex(16),
        "DIRECTORY_DB": str(folder / "directory.sqlite3"),
        "DIRECTORY_RSA_KEY": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        "DIRECTORY_CLIENT_ID": CLIENT_ID,
        "DIRECTORY_CLIENT_SECRET": secrets.token_hex(16),
        "DIRECTORY_REDIRECT_URIS": CALLBACK,
        "DIRECTORY_SETUP_TOKEN": secrets.token_hex(16),
        "DIRECTORY_ISSUER": f"http://127.0.0.1:{port}/o",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = open(folder / "directory.log", "w")  # noqa: SIM115 - open for the process's life
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.sso.provider.serve", str(port)],
        cwd=CHECKOUT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{url}/o/.well-known/openid-configuration", timeout=2):  # noqa: S310
                break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.close()
                raise RuntimeError((folder / "directory.log").read_text()) from None
            time.sleep(0.2)
    yield Directory(url, env["DIRECTORY_SETUP_TOKEN"], env["DIRECTORY_CLIENT_SECRET"])
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def sso_settings(settings, directory):
    """The application set to sign in through the test directory."""
    settings.CRD_OIDC_ISSUER = directory.issuer
    settings.CRD_OIDC_CLIENT_ID = CLIENT_ID
    settings.CRD_OIDC_CLIENT_SECRET = directory.client_secret
    cache.delete(sso.DISCOVERY_KEY)
    yield settings
    cache.delete(sso.DISCOVERY_KEY)
