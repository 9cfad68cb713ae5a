"""How late a unit's acknowledgement of a routing is, for the concern's page
(concerns/acknowledgement.py holds the rule: 000 §III.5)."""

from django import template

from concerns.acknowledgement import lateness

register = template.Library()


@register.simple_tag
def routing_lateness(routing, concern, today):
    """A Lateness (since, working_days), or None when the routing is not overdue."""
    return lateness(routing, today, resolved=concern.status == concern.Status.RESOLVED)
