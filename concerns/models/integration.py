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
    by the CRO; only a hash is kept, the key itself is shown once."""

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

    class Meta:
        verbose_name_plural = _("Open311 API keys")
        ordering = ["-created_at"]
        verbose_name = _("Open311 API key")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
