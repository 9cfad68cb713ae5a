from django.urls import get_script_prefix

from accounts.mfa import mfa_required
from accounts.models import Agency
from core.permissions import Permission, has_permission
from desk.navigation import layout_links, menu_html
from notifications.models import UNREAD_CAP, OutboundEmail, unread_count


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    # Between the password and the second factor, nothing but signing out is on offer.
    pending = signed_in and not user.is_verified() and mfa_required(user)
    context = {
        "agency": Agency.for_pages(),
        "nav_html": menu_html(user, request.path) if signed_in and not pending else "",
        "mfa_pending": pending,
        "links": layout_links(get_script_prefix()),
    }
    if signed_in and not pending:
        # One capped count per page; the menu's rows are fetched when it opens.
        context["unread_count"] = unread_count(user)
        context["unread_cap"] = UNREAD_CAP
        # An account without a home (a resident, an auditor) has no calendar to subscribe to.
        context["can_calendar"] = has_permission(user, Permission.VIEW_HOME)
        if has_permission(user, Permission.MANAGE_ACCOUNTS):
            context["failed_emails"] = OutboundEmail.objects.filter(
                status=OutboundEmail.Status.FAILED
            ).count()
    return context
