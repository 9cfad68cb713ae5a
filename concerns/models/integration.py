"""The reference counter and the city's 311 keys."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferenceCounter(models.Model):
    """The last number handed out per year, for CR-<year>-<number> references."""

    year = models.PositiveSmallIntegerField(primary_key=True, verbose_name=_("year"))
    last = models.PositiveIntegerField(default=0, verbose_name=_("last"))

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Open311Key(models.Model):
    """A key the city's 311 system (or an app) sends with new requests. Issued and revoked
    by the CRO; only a hash is kept, the key itself is shown once. Its scope says what it
    may read: what anyone may (the default), or, set by an administrator, the agency's own
    view (issue 21)."""

    class Scope(models.TextChoices):
        PUBLIC = "public", _("Public: what anyone may read without a key")
        AGENCY = "agency", _("Agency: every door, the exact location and the reference")

    name = models.CharField(
        max_length=120, help_text=_('Who uses it, e.g. "City 311 system".'), verbose_name=_("name")
    )
    prefix = models.CharField(
        max_length=8,
        help_text=_("The first characters, to recognize it."),
        verbose_name=_("prefix"),
    )
    key_hash = models.CharField(max_length=64, unique=True, verbose_name=_("key hash"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    last_used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last used at"))
    scope = models.CharField(
        max_length=8,
        choices=Scope.choices,
        default=Scope.PUBLIC,
        db_default=Scope.PUBLIC,
        help_text=_(
            "What the key may read. Agency shows residents' exact locations: only for a system "
            "the department runs or trusts with them."
        ),
        verbose_name=_("scope"),
    )

    class Meta:
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Open311Receipt(models.Model):
    """A service request as a key sent it, by digest: the same request sent again within
    minutes (a 311 system retrying after a timeout) is answered with the same concern. One
    small row per request, kept like the concern it points to."""

    # Indexed by open311_receipt_idx (key, digest).
    key = models.ForeignKey(
        Open311Key,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("key"),
    )
    digest = models.CharField(max_length=64, verbose_name=_("digest"))
    concern = models.ForeignKey(
        "concerns.Concern", on_delete=models.CASCADE, related_name="+", verbose_name=_("concern")
    )
    received_at = models.DateTimeField(verbose_name=_("received at"))

    class Meta:
        verbose_name = _("Open311 receipt")
        verbose_name_plural = _("Open311 receipts")
        indexes = [models.Index(fields=["key", "digest"], name="open311_receipt_idx")]

    def __str__(self):
        return f"{self.key_id} {self.digest[:8]}"
