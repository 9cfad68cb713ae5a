"""What the sign-in page offers residents, who need no account: the surveys open to them.

A tag rather than the sign-in view's context: the view lives in accounts, which may not
know of surveys (dependencies run one way, STYLE.md)."""

from django import template
from django.utils import timezone

from surveys.models import Survey

register = template.Library()

# The sign-in page lists a few; a department rarely runs more than one at a time.
LIMIT = 3


@register.simple_tag
def open_community_surveys():
    """Approved community surveys open today, soonest to close first (Survey.is_open)."""
    today = timezone.localdate()
    return list(
        Survey.objects.filter(
            status=Survey.Status.APPROVED,
            audience=Survey.Audience.COMMUNITY,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .order_by("closes_on", "pk")
        .only("slug", "title", "title_es")[:LIMIT]
    )
