"""Text put into a CSS string, as a PDF's running header or footer is (`content: "…"`).

CSS escapes a character as a backslash, its hexadecimal code and a space (`\\2D `), not as
JavaScript does (`\\u002D`): `escapejs` there printed "Semiu002Dannual" on every page.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:;()·–—")


@register.filter
def cssstr(value) -> str:
    """Safe inside double quotes in a style sheet: quotes, backslashes, angle brackets,
    ampersands and line breaks can neither end the string nor the style element."""
    text = str(value)
    return mark_safe("".join(c if c in PLAIN else f"\\{ord(c):X} " for c in text))  # noqa: S308  # nosec B308 B703
