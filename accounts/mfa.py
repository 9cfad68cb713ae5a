"""Two-factor sign-in (django-otp): an authenticator app's six-digit code (TOTP) after the
password, with ten single-use recovery codes for a lost phone.

Required for the Chief, the CRO, supervisors and administrators (they see every concern,
its sources, participants' data), and for everyone when the agency turns it on. A person
who must use it and has not set it up is taken to the set-up page after the password; one
who has is asked for a code. Until then every other page, the admin site included,
redirects there (`RequireTwoFactor`). Replacing the authenticator or the recovery codes
asks again for the password and a current code.
"""

import base64
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from accounts.forms import WRONG_CODE
from accounts.models import Agency
from audit import trail as audit
from audit.models import AuditEvent
from core.prepared import Prepared
from core.roles import Role
from core.web import crumbs

MFA_ROLES = (Role.CHIEF, Role.CRO, Role.SUPERVISOR)
RECOVERY_CODES = 10
EXEMPT_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz")


def mfa_required(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff or user.has_role(*MFA_ROLES):
        return True
    return required_of_everyone()


EVERYONE_KEY = "crd:mfa-for-everyone"


def required_of_everyone() -> bool:
    """The agency's switch, kept a minute in the cache (asked on every request of a member
    whose role does not require it); saving the agency profile clears it."""
    return cache.get_or_set(
        EVERYONE_KEY,
        lambda: Agency.objects.filter(pk=1, mfa_for_everyone=True).exists(),
        60,
    )


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# The device a session proved, by its kind: read on every signed-in page, with a query
# compiled once (core/prepared.py).
DEVICES = {
    "otp_totp.totpdevice": Prepared(lambda pk: TOTPDevice.objects.filter(pk=pk), int),
    "otp_static.staticdevice": Prepared(lambda pk: StaticDevice.objects.filter(pk=pk), int),
}
LARGEST_ID = 2**63 - 1


class SecondFactor(OTPMiddleware):
    """django-otp's middleware (what the session's device proves, and when it is dropped),
    reading the device with its kind's compiled query; another kind as django-otp does."""

    def _device_from_persistent_id(self, persistent_id: str):
        label, _, pk = self._normalize_persistent_id(persistent_id).rpartition("/")
        prepared = DEVICES.get(label)
        if prepared is None:
            return super()._device_from_persistent_id(persistent_id)
        if not (pk.isascii() and pk.isdigit()) or not 0 < int(pk) <= LARGEST_ID:
            return None
        return prepared.instance(int(pk))


class RequireTwoFactor:
    """After the password, nothing but the two-factor pages until a code is given."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and mfa_required(user)
        ):
            target = "accounts:mfa-verify" if has_authenticator(user) else "accounts:mfa-setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthForm(CodeForm):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["password", "code"]


def _clean_code(value: str) -> str:
    return "".join(value.split()).replace("-", "")


def make_recovery_codes(user) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def _codes_page(request, codes, *, first: bool):
    response = render(
        request,
        "accounts/mfa_codes.html",
        {"codes": codes, "first": first, "next": _next(request)},
    )
    response["Cache-Control"] = "no-store"
    return response


def _qr(device: TOTPDevice) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2
    )
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _stopped(request, form, *, field="code", sign_out=True):
    """Before a code is checked: a locked username gets the lock page (signed out when
    half-way through signing in), a delayed one a 429 with the wait; None to go on."""
    username = request.user.get_username()
    if lockout.is_locked(username):
        if sign_out:
            logout(request)
        return lockout.lockout_response(request)
    refused = lockout.refusal(request, username)
    if refused is None:
        return None
    form.add_error(field, refused.message)
    return refused


def _answer(request, template, context, refused=None):
    form = context["form"]
    status = refused.status if refused else 400 if form.errors else 200
    response = render(request, template, context, status=status)
    return refused.apply(response) if refused else response


def code_refused(request, user, where: str) -> None:
    """A wrong second-factor code: recorded, and counted like a wrong password."""
    audit.record(
        AuditEvent.Action.MFA_FAILED,
        request=request,
        user=user,
        detail=f"{where}: second-factor code refused",
    )
    lockout.failed(request, user.get_username())


def _signed_in(request, user, how: str) -> None:
    """The second factor is given: now the member is signed in."""
    audit.record(AuditEvent.Action.LOGIN, request=request, user=user, detail=how)
    lockout.succeeded(request, user.get_username())


@never_cache
def mfa_setup(request):
    """Scan the QR code (or type the key), then prove it with a first code."""
    user = request.user
    if has_authenticator(user):
        if user.is_verified():
            return redirect("accounts:mfa-manage")
        return redirect(f"{reverse('accounts:mfa-verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    stopped = _stopped(request, form) if request.method == "POST" else None
    if isinstance(stopped, HttpResponse):
        return stopped
    if not stopped and request.method == "POST" and form.is_valid():
        if device.verify_token(_clean_code(form.cleaned_data["code"])):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = make_recovery_codes(user)
            otp_login(request, device)
            _signed_in(request, user, "Second factor set up and given")
            return _codes_page(request, codes, first=True)
        code_refused(request, user, "Setting up")
        form.add_error("code", WRONG_CODE)
    key = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr(device),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "next": _next(request),
    }
    return _answer(request, "accounts/mfa_setup.html", context, stopped)


@never_cache
def mfa_verify(request):
    """The code after the password (or a recovery code)."""
    user = request.user
    if not has_authenticator(user):
        return redirect(f"{reverse('accounts:mfa-setup')}?{urlencode({'next': _next(request)})}")
    if user.is_verified():
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    stopped = _stopped(request, form) if request.method == "POST" else None
    if isinstance(stopped, HttpResponse):
        return stopped
    if not stopped and request.method == "POST" and form.is_valid():
        device = match_token(user, _clean_code(form.cleaned_data["code"]))
        if device is not None:
            otp_login(request, device)
            recovery = isinstance(device, StaticDevice)
            _signed_in(request, user, "Recovery code given" if recovery else "Code given")
            if recovery:
                left = StaticToken.objects.filter(device__user=user).count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(left)d left. Make new ones on the "
                        "two-factor page if you are running low.",
                        "You used a recovery code; %(left)d left. Make new ones on the "
                        "two-factor page if you are running low.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
        code_refused(request, user, "Sign-in")
        form.add_error("code", WRONG_CODE)
    return _answer(
        request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)}, stopped
    )


@never_cache
def mfa_manage(request):
    """See the set-up; replace the authenticator or the recovery codes after proving it is
    you again (password and a current code)."""
    user = request.user
    if not has_authenticator(user):
        return redirect("accounts:mfa-setup")
    if not user.is_verified():
        return redirect(f"{reverse('accounts:mfa-verify')}?{urlencode({'next': request.path})}")
    form = ReauthForm(request.POST or None)
    stopped = (
        _stopped(request, form, field=None, sign_out=False) if request.method == "POST" else None
    )
    if isinstance(stopped, HttpResponse):
        return stopped
    if not stopped and request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        # A wrong password is counted and recorded through authenticate()'s signal.
        password_ok = (
            authenticate(request, username=user.username, password=form.cleaned_data["password"])
            is not None
        )
        device = match_token(user, _clean_code(form.cleaned_data["code"])) if password_ok else None
        if password_ok and device is None:
            code_refused(request, user, "Re-authentication")
        if device is None:
            form.add_error(None, gettext("The password or the code is not right."))
        elif action == "codes":
            return _codes_page(request, make_recovery_codes(user), first=False)
        elif action == "replace":
            TOTPDevice.objects.filter(user=user).delete()
            messages.info(request, gettext("Set up your new authenticator now."))
            return redirect("accounts:mfa-setup")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "form": form,
        "device": device,
        "codes_left": StaticToken.objects.filter(device__user=user).count(),
        "required": mfa_required(user),
        "breadcrumbs": crumbs((gettext("Two-factor sign-in"), None)),
    }
    return _answer(request, "accounts/mfa_manage.html", context, stopped)
