"""Small helpers every app's views share: permission checks, breadcrumbs, form errors
from services, and CSV downloads."""

import contextlib
import csv
import functools
import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.permissions import has_permission

# Shown under every staff free-text field: this product is not a records system for
# criminal-justice information (CJIS Security Policy 4.1), and says so where people type.
CJI_NOTICE = _(
    "Do not enter criminal-justice information: no case or report numbers, criminal "
    "histories or identifying details of suspects or victims."
)


def _joined(help_text, notice) -> str:
    return f"{help_text} {notice}".strip()


_joined_lazy = lazy(_joined, str)


def with_cji_notice(help_text: str = "") -> str:
    """The help text and the notice, translated when shown (form fields are declared at
    import time, before any language is active)."""
    return _joined_lazy(help_text, CJI_NOTICE)


def require_permission(request, perm, **context) -> None:
    """403 unless the signed-in user holds the permission (for the record, if given)."""
    if not has_permission(request.user, perm, **context):
        raise PermissionDenied


def client_address(request) -> str:
    """The client's address. X-Forwarded-For is believed only from a trusted proxy:
    with TRUSTED_PROXIES, when the request comes from one of them, the nearest entry that
    is not one of them; with TRUSTED_PROXY_COUNT alone (older set-ups), the entry the
    nearest of that many proxies added. Anything else (a forged header sent straight to
    the app) is ignored: the connection's own address counts."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [p.strip() for p in forwarded.split(",") if p.strip()]
    proxies = trusted_proxies()
    if proxies:
        if not chain or not _is_proxy(remote, proxies):
            return remote
        for hop in reversed(chain):
            if not _is_proxy(hop, proxies):
                return hop
        return chain[0]
    hops = settings.TRUSTED_PROXY_COUNT
    if hops and chain:
        return chain[-hops] if len(chain) >= hops else chain[0]
    return remote


def trusted_proxies() -> tuple:
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


@functools.cache
def _networks(entries: tuple) -> tuple:
    """The proxies as networks; an entry that is not an address or a network is left out
    here and reported by `check --deploy` (accounts/checks.py)."""
    networks = []
    for entry in entries:
        with contextlib.suppress(ValueError):
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
    return tuple(networks)


def _is_proxy(address: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in proxies)


def client_key(request) -> str:
    """A keyed hash of the client's address: enough to rate-limit, useless to anyone else."""
    return keyed_hash(client_address(request))


def keyed_hash(text: str) -> str:
    """HMAC-SHA256 under the secret key: matches the same text again, reveals nothing
    (client addresses for rate limits, residents' addresses for opt-outs)."""
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def secret_digest(secret: str) -> str:
    """What is stored of a random secret shown once (API keys, calendar links)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def crumbs(*pairs) -> list[dict]:
    """Breadcrumbs from Home: `crumbs(("Concerns", url), ("CR-2026-0001", None))`."""
    return [{"label": gettext("Home"), "url": reverse("home")}] + [
        {"label": label, "url": url} for label, url in pairs
    ]


def show_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def csv_safe(value) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; neutralise them."""
    value = str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Echo:
    def write(self, value):
        return value


def csv_download(header: list[str], rows, filename: str) -> StreamingHttpResponse:
    """Stream a CSV file row by row: a million rows never sit in memory."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow([csv_safe(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
