"""Notifications in the app: the menu with the unread count, the list, marking read, each
person's choices, the outbox, and the residents' "stop these messages" page."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboundEmail,
    ResidentOptOut,
)
from notifications.notify import EVENTS, STOP_SALT

MENU_SIZE = 6


def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    rows = Notification.objects.for_user(request.user).select_related("actor")
    if unread_only:
        rows = rows.unread()
    page = paginate(rows, request.GET.get("page"), per_page=30)
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "query": "show=unread" if unread_only else "",
            "breadcrumbs": crumbs((_("Notifications"), None)),
        },
    )


@require_GET
def notification_menu(request):
    """The dropdown's contents, fetched when it opens (the count is on every page)."""
    rows = list(
        Notification.objects.for_user(request.user).only(
            "id", "title", "created_at", "read_at", "kind"
        )[:MENU_SIZE]
    )
    return render(request, "notifications/_menu.html", {"rows": rows})


@require_GET
def notification_open(request, pk: int):
    """Mark it read and go to the page it is about. Another person's notification is 404."""
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    target = note.url
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None) or not target.startswith(
        "/"
    ):
        target = "notifications:list"
    return redirect(target)


@require_POST
def notification_read(request, pk: int):
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(_back(request))


@require_POST
def notification_read_all(request):
    count = Notification.objects.for_user(request.user).unread().update(read_at=timezone.now())
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return "notifications:list"


# --- Choices --------------------------------------------------------------------------


def kinds_for(user) -> list[str]:
    return [
        kind for kind, event in EVENTS.items() if any(user.has_role(role) for role in event.roles)
    ]


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds, current, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            event = EVENTS[kind]
            field = forms.ChoiceField(
                label=event.label,
                choices=Delivery.choices,
                widget=forms.RadioSelect,
                initial=current.get(kind, event.default),
                disabled=event.fixed,
                help_text=_("Always by email at once (General Order 001 IV.C).")
                if event.fixed
                else "",
            )
            self.fields[kind] = field


def notification_settings(request):
    kinds = kinds_for(request.user)
    current = dict(
        NotificationPreference.objects.filter(user=request.user).values_list("kind", "delivery")
    )
    form = PreferencesForm(request.POST or None, kinds=kinds, current=current)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for kind in kinds:
                if EVENTS[kind].fixed:
                    continue
                NotificationPreference.objects.update_or_create(
                    user=request.user, kind=kind, defaults={"delivery": form.cleaned_data[kind]}
                )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "breadcrumbs": crumbs((_("Notifications"), "/notifications/"), (_("Settings"), None)),
        },
    )


# --- The outbox -----------------------------------------------------------------------


def may_see_outbox(user) -> bool:
    """Administrators only, in every mode (to see and retry failed messages). The outbox
    holds residents' addresses: DEBUG on a shared test copy opens it to nobody else
    (issue 21, finding 5); a developer reads the console, where every message is printed."""
    return has_permission(user, Permission.MANAGE_ACCOUNTS)


def outbox(request):
    if not may_see_outbox(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    rows = OutboundEmail.objects.only(
        "id", "to", "subject", "status", "attempts", "created_at", "sent_at", "last_error", "kind"
    )
    if status in OutboundEmail.Status.values:
        rows = rows.filter(status=status)
    elif not settings.DEBUG:
        rows = rows.exclude(status=OutboundEmail.Status.SENT)
    page = paginate(rows, request.GET.get("page"), per_page=50)
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "status": status,
            "statuses": OutboundEmail.Status.choices,
            "query": f"status={status}" if status else "",
            "debug": settings.DEBUG,
            "is_admin": has_permission(request.user, Permission.MANAGE_ACCOUNTS),
            "breadcrumbs": crumbs((_("Outgoing email"), None)),
        },
    )


def outbox_message(request, pk: int):
    if not may_see_outbox(request.user):
        raise PermissionDenied
    email = get_object_or_404(OutboundEmail, pk=pk)
    return render(
        request,
        "notifications/outbox_message.html",
        {
            "email": email,
            "is_admin": has_permission(request.user, Permission.MANAGE_ACCOUNTS),
            "breadcrumbs": crumbs(
                (_("Outgoing email"), "/notifications/outbox/"), (email.subject, None)
            ),
        },
    )


@require_POST
def outbox_retry(request, pk: int):
    """An administrator sends a failed message again, after fixing the mail settings."""
    if not has_permission(request.user, Permission.MANAGE_ACCOUNTS):
        raise PermissionDenied
    from notifications.notify import enqueue_delivery

    with transaction.atomic():
        email = get_object_or_404(OutboundEmail.objects.select_for_update(), pk=pk)
        if email.status == OutboundEmail.Status.SENT:
            messages.info(request, _("That message was already sent."))
            return redirect("notifications:outbox")
        email.status = OutboundEmail.Status.QUEUED
        email.attempts = 0
        email.next_attempt_at = timezone.now()
        email.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(lambda: enqueue_delivery(email.pk))
    messages.success(request, _("The message to %(to)s is queued again.") % {"to": email.to})
    return redirect("notifications:outbox")


# --- Residents ------------------------------------------------------------------------


@login_not_required
@csrf_exempt
def resident_stop(request, token: str):
    """The link at the foot of a resident's message. Opening it asks; the button stops.
    (Mail scanners open links: a GET must not unsubscribe anyone.) The mail program's own
    "Unsubscribe" POSTs here without a cookie (RFC 8058 one-click), so the POST needs no
    CSRF token: the signed token in the address is the only thing that stops anyone, and
    whoever holds it may stop the messages anyway."""
    try:
        stop = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        raise Http404 from None
    if not isinstance(stop, dict) or not stop.get("h"):
        raise Http404
    language = request.GET.get("lang") or stop.get("l")
    language = language if language in ("en", "es") else "en"
    translation.activate(language)
    request.LANGUAGE_CODE = language
    stopped = False
    if request.method == "POST":
        ResidentOptOut.objects.get_or_create(address_hash=stop["h"])
        stopped = True
    return render(request, "notifications/resident_stop.html", {"stopped": stopped})
