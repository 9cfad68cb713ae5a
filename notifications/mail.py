"""How a queued message leaves (notifications/tasks.py sends it): the headers that today's
mail providers look for.

- From: the agency's name before the product's address, so the reader sees who writes.
- Message-ID: at the site's own domain (`CRD_MAIL_DOMAIN`), never the server's host name.
- Reply-To: the mailbox the agency gives in its profile; the sender address takes no mail.
- List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) on a message to a resident: their
  mail program offers "Unsubscribe", and its one-click POST to the stop link stops the
  messages (notifications.views.resident_stop).
"""

from email.utils import formataddr, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.translation import gettext

from accounts.models import Agency
from notifications.models import OutboundEmail


def sender(agency: Agency) -> str:
    """`Riverbend Police Department Community Relations <community-relations@example.org>`."""
    name = gettext("%(agency)s Community Relations") % {"agency": agency.name}
    return formataddr((name, settings.DEFAULT_FROM_EMAIL))


def headers(email: OutboundEmail) -> dict[str, str]:
    found = {
        "Auto-Submitted": "auto-generated",
        "Message-ID": make_msgid(domain=settings.CRD_MAIL_DOMAIN),
    }
    if email.unsubscribe_url:
        found["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        found["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return found


def message(email: OutboundEmail, agency: Agency) -> EmailMultiAlternatives:
    built = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=sender(agency),
        to=[email.to],
        reply_to=[agency.reply_to] if agency.reply_to else None,
        headers=headers(email),
    )
    built.attach_alternative(email.body_html, "text/html")
    return built
