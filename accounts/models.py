from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.uploads import agency_logo_path, logo_data_uri

DSN_REQUIRED_FOR_STAFF = _("Every department member needs a DSN (departmental serial number).")


class User(AbstractUser):
    """A department member. The DSN is recorded on everything they log (000 IV.A.5)."""

    dsn = models.CharField(  # noqa: DJ001 - NULL lets superusers without a DSN stay unique
        _("DSN"),
        max_length=20,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Departmental serial number. Required for every department member."),
    )
    rank = models.CharField(_("rank or title"), max_length=60, blank=True)
    unit = models.CharField(
        max_length=80, blank=True, help_text=_("Division, section or unit."), verbose_name=_("unit")
    )
    is_demo = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Created by seed_demo. Demo accounts can sign in only while DEBUG is on."),
        verbose_name=_("is demo"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            # A department member (anyone who is not a bare superuser) carries a DSN.
            models.CheckConstraint(
                condition=Q(is_superuser=True) | (Q(dsn__isnull=False) & ~Q(dsn="")),
                name="user_dsn_required_unless_superuser",
                violation_error_message=DSN_REQUIRED_FOR_STAFF,
            ),
        ]

    def __str__(self):
        name = self.get_full_name() or self.username
        return f"{name} ({self.dsn})" if self.dsn else name

    def clean(self):
        super().clean()
        # Blank DSNs are stored as NULL so that several superusers without one stay unique.
        if self.dsn == "":
            self.dsn = None

    @property
    def display_name(self) -> str:
        parts = [self.rank, self.get_full_name() or self.username]
        return " ".join(p for p in parts if p)

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The role groups this user holds, read once per request."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: Role) -> bool:
        return any(role.value in self.role_names for role in roles)


class Agency(models.Model):
    """The department's profile. One row; it letterheads every PDF."""

    name = models.CharField(max_length=120, default="Police Department", verbose_name=_("name"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    chief_name = models.CharField(_("Chief's name"), max_length=120, blank=True)
    logo = models.ImageField(
        upload_to=agency_logo_path,
        blank=True,
        help_text=_(
            "PNG or JPEG, shown on letterheads. A square image about 300 px wide works best."
        ),
        verbose_name=_("logo"),
    )
    # The compliance calendar: when each report is due (001 IV.A, 003 1.a.8).
    monthly_due_day = models.PositiveSmallIntegerField(
        _("monthly report due on day"),
        default=10,
        help_text=_("Day of the following month (1-28)."),
    )
    quarterly_due_days = models.PositiveSmallIntegerField(
        _("quarterly report due after (days)"), default=15
    )
    semi_annual_due_days = models.PositiveSmallIntegerField(
        _("semi-annual report due after (days)"), default=30
    )
    annual_due_days = models.PositiveSmallIntegerField(
        _("annual report due after (days)"), default=31, help_text=_("31 means by January 31.")
    )
    mfa_for_everyone = models.BooleanField(
        _("two-factor sign-in for everyone"),
        default=False,
        help_text=_(
            "The Chief, the CRO, supervisors and administrators always use it; tick this "
            "to require it of every member."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("agency profile")
        verbose_name_plural = _("agency profile")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="agency_single_row")]

    def __str__(self):
        return self.name

    def letterhead(self) -> dict:
        """What heads every PDF: the agency and its logo as a data URI."""
        return {"agency": self, "logo_url": logo_data_uri(self)}

    @classmethod
    def load(cls) -> "Agency":
        agency, _ = cls.objects.get_or_create(pk=1)
        return agency


class RateLimitHit(models.Model):
    """One counted use of a limited door (accounts.ratelimit): which door, and a keyed hash
    of the client, never its address. Rows older than a day are removed as new ones come."""

    scope = models.CharField(max_length=16, verbose_name=_("scope"))
    client = models.CharField(max_length=64, verbose_name=_("client"))
    # The application's clock, not the database's: a limit is counted in the same time as
    # the requests it limits.
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("rate-limit count")
        verbose_name_plural = _("rate-limit counts")
        indexes = [
            models.Index(fields=["scope", "client", "created_at"], name="ratelimit_client_idx"),
            models.Index(fields=["created_at"], name="ratelimit_age_idx"),
        ]

    def __str__(self):
        return f"{self.scope}: {self.client[:8]}"
