"""`manage.py check --deploy`: is the forwarded client address safe to believe?

The address of a sign-in, of a public form and in the audit trail comes from
X-Forwarded-For behind a proxy (core.web.client_address). With DJANGO_TRUSTED_PROXIES the
header is believed only from those addresses: safe wherever the app listens. With
DJANGO_TRUSTED_PROXY_COUNT alone it is believed from anyone, which is safe only when
nobody but the proxy can reach the app: gunicorn bound to the loopback or a Unix socket
(CRD_LISTEN_ADDRESS, which deploy/crdesk-web.service passes to --bind).
"""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning

PROXIES_HINT = (
    "Set DJANGO_TRUSTED_PROXIES to the proxy's own address (127.0.0.1,::1 when nginx runs "
    "on the same host); see docs/DEPLOYMENT.md."
)


def _network(entry: str):
    try:
        return ipaddress.ip_network(entry.strip(), strict=False)
    except ValueError:
        return None


def _reachable_from_outside(bind: str) -> bool:
    """Whether a gunicorn --bind value can be reached by another machine."""
    if bind.startswith(("unix:", "fd://")):
        return False
    if bind.startswith("["):
        host = bind[1:].split("]")[0]
    elif bind.count(":") == 1:
        host = bind.split(":")[0]
    else:
        host = bind
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # all interfaces (""), or a name that may resolve to any of them


@register(Tags.security, deploy=True)
def check_forwarded_address(app_configs=None, **kwargs):
    problems = []
    proxies = list(getattr(settings, "TRUSTED_PROXIES", []) or [])
    networks = [_network(entry) for entry in proxies]
    bad = [entry for entry, net in zip(proxies, networks, strict=True) if net is None]
    if bad:
        problems.append(
            Error(
                f"DJANGO_TRUSTED_PROXIES holds entries that are not addresses or networks: "
                f"{', '.join(bad)}. They are ignored.",
                hint="List the proxies' addresses or networks, comma-separated.",
                id="accounts.E001",
            )
        )
    if any(net is not None and net.prefixlen == 0 for net in networks):
        problems.append(
            Error(
                "DJANGO_TRUSTED_PROXIES trusts every address: anyone can forge "
                "X-Forwarded-For, choose the address written to the audit trail and step "
                "around the sign-in limits.",
                hint=PROXIES_HINT,
                id="accounts.E002",
            )
        )
    if settings.TRUSTED_PROXY_COUNT and not proxies:
        binds = settings.CRD_LISTEN_ADDRESS.replace(",", " ").split()
        if not binds:
            problems.append(
                CheckWarning(
                    "DJANGO_TRUSTED_PROXY_COUNT is set, so X-Forwarded-For is believed from "
                    "anyone, and the app cannot tell whether it is reachable without the "
                    "proxy (CRD_LISTEN_ADDRESS is not set).",
                    hint=PROXIES_HINT,
                    id="accounts.W001",
                )
            )
        elif any(_reachable_from_outside(bind) for bind in binds):
            problems.append(
                Error(
                    f"DJANGO_TRUSTED_PROXY_COUNT is set while the app listens on "
                    f"{settings.CRD_LISTEN_ADDRESS}, which other machines can reach without "
                    "the proxy: they can forge X-Forwarded-For, choose the address written "
                    "to the audit trail and step around the sign-in limits.",
                    hint=PROXIES_HINT + " Or bind gunicorn to 127.0.0.1 or a Unix socket.",
                    id="accounts.E003",
                )
            )
    return problems
