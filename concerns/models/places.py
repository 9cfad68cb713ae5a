"""Where a concern can be sent: other city departments and agencies, and the department's
own units."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.loading import quick_from_db


class Department(models.Model):
    """Another city department or outside agency a concern can be referred to (000 VI.9)."""

    from_db = quick_from_db  # read without __init__ (core/loading.py)

    name = models.CharField(max_length=120, unique=True, verbose_name=_("name"))
    contact_name = models.CharField(max_length=120, blank=True, verbose_name=_("contact name"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    response_days = models.PositiveSmallIntegerField(
        default=14,
        help_text=_(
            "Days within which a response is expected before the referral shows as overdue."
        ),
        verbose_name=_("response days"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A unit of this department (patrol, traffic, investigations) a concern can be routed to."""

    from_db = quick_from_db  # read without __init__ (core/loading.py)

    name = models.CharField(max_length=80, unique=True, verbose_name=_("name"))
    commander = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commanded_units",
        help_text=_("Acknowledges concerns routed to the unit."),
        verbose_name=_("commander"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]

    def __str__(self):
        return self.name
