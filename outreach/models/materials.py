from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import SubmittedToTheChief
from core.uploads import material_design_path


class Material(SubmittedToTheChief):
    """Give-away material; none is handed out before the Chief approves it (000 III.9)."""

    class Source(models.TextChoices):
        PURCHASED = "purchased", _("Purchased")
        DONATED = "donated", _("Donated")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the Chief")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(max_length=160, verbose_name=_("name"))
    description = models.TextField(blank=True, verbose_name=_("description"))
    source = models.CharField(max_length=12, choices=Source.choices, verbose_name=_("source"))
    donor = models.CharField(max_length=160, blank=True, verbose_name=_("donor"))
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], verbose_name=_("quantity")
    )
    cost = models.DecimalField(
        _("total cost"),
        max_digits=9,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    design = models.FileField(upload_to=material_design_path, blank=True, verbose_name=_("design"))
    design_type = models.CharField(
        max_length=40, blank=True, editable=False, verbose_name=_("design type")
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta(SubmittedToTheChief.Meta):
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["-created_at"]
        constraints = [
            *SubmittedToTheChief.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(source="donated", donor=""),
                name="material_donation_has_donor",
                violation_error_message=_("Name the donor of donated material."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="material_status_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("outreach:material", args=[self.pk])

    def distributed(self) -> int:
        if hasattr(self, "distributed_total"):
            return self.distributed_total or 0
        return self.distributions.aggregate(total=Sum("quantity"))["total"] or 0

    @property
    def design_is_image(self) -> bool:
        return self.design_type in ("image/png", "image/jpeg")


class MaterialDistribution(models.Model):
    material = models.ForeignKey(
        Material, on_delete=models.PROTECT, related_name="distributions", verbose_name=_("material")
    )
    date = models.DateField(verbose_name=_("date"))
    quantity = models.PositiveIntegerField(
        validators=[MinValueValidator(1)], verbose_name=_("quantity")
    )
    activity = models.ForeignKey(
        "outreach.OutreachActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="distributions",
        verbose_name=_("activity"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("material distribution")
        verbose_name_plural = _("material distributions")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.quantity} × {self.material}"
