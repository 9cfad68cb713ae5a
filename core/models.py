"""Abstract models only: core has no table of its own (tests/test_structure.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SubmittedToTheChief(models.Model):
    """Who submitted it and when; who decided and when, and what the Chief said."""

    submitted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    chief_comment = models.TextField(blank=True, verbose_name=_("chief comment"))

    class Meta:
        abstract = True
        constraints = [
            # A decision has both its maker and its moment, or neither.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True, decided_at__isnull=True)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="%(app_label)s_%(class)s_decided_pair",
            ),
        ]
