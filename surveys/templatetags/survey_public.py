"""What the public form and the results draw from a question and a request: the words of a
rating's scale (surveys.scales) and whether the person at a browser that already answered
says they are someone else (surveys.repeat_guard)."""

from django import template

from surveys import repeat_guard, scales

register = template.Library()


@register.filter
def rating_scale(question) -> scales.Scale:
    """`{% with scale=q|rating_scale %}`: for a `Question` or a results row."""
    return scales.scale_for(question)


@register.simple_tag(takes_context=True)
def answering_for_someone_else(context, survey) -> bool:
    request = context.get("request")
    return bool(request and survey and repeat_guard.someone_else(request, survey))
