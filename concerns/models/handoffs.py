"""A concern relayed to a unit of the department or referred to another department."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from concerns.models.concern import Concern
from concerns.models.places import Department, Unit
from core.loading import quick_from_db


class Routing(models.Model):
    """A concern relayed to a unit of the department; its commander acknowledges (000 III.5)."""

    from_db = quick_from_db  # read without __init__ (core/loading.py)

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="routings", verbose_name=_("concern")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="routings", verbose_name=_("unit")
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("routed by"),
    )
    routed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("routed at"))
    acknowledged_at = models.DateTimeField(null=True, blank=True, verbose_name=_("acknowledged at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acknowledged by"),
    )

    class Meta:
        verbose_name = _("routing")
        verbose_name_plural = _("routings")
        ordering = ["routed_at"]
        indexes = [
            models.Index(
                fields=["unit", "routed_at"],
                name="routing_pending_idx",
                condition=Q(acknowledged_at__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="routing_ack_pair",
            )
        ]

    def __str__(self):
        return f"{self.concern_id} → {self.unit}"


class Referral(models.Model):
    """A concern referred to another city department or agency, and its answer (000 VI.9)."""

    from_db = quick_from_db  # read without __init__ (core/loading.py)

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("concern")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("department")
    )
    referred_on = models.DateField(verbose_name=_("referred on"))
    due_on = models.DateField(verbose_name=_("due on"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred by"),
    )
    response = models.TextField(blank=True, verbose_name=_("response"))
    responded_on = models.DateField(null=True, blank=True, verbose_name=_("responded on"))
    response_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("response recorded by"),
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["referred_on", "id"]
        indexes = [
            models.Index(
                fields=["due_on"],
                name="referral_awaiting_idx",
                condition=Q(responded_on__isnull=True),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(responded_on__isnull=True, response_recorded_by__isnull=True)
                | Q(responded_on__isnull=False, response_recorded_by__isnull=False),
                name="referral_response_pair",
            )
        ]

    def __str__(self):
        return f"{self.concern_id} → {self.department}"

    @property
    def awaiting(self) -> bool:
        return self.responded_on is None
