"""The private code of the status page (concerns/status.py), for the two pages that show it
to the person who has just given the concern: the public form's "received" page and the
officer's "concern logged" page (the officer reads it to the resident)."""

from django import template

from concerns.models import Concern
from concerns.status import private_code

register = template.Library()


@register.filter(name="private_code")
def private_code_filter(concern: Concern) -> str:
    return private_code(concern) if concern is not None else ""


@register.simple_tag
def private_code_for(reference: str) -> str:
    """The code of the concern with this reference; the page holds the reference because
    this browser sent the concern (the session), never because someone typed it."""
    concern = Concern.objects.only("public_id").filter(reference=reference).first()
    return private_code(concern) if concern is not None else ""
