from functools import cached_property

from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.geometry import checked_shape, normalised
from accounts.sso_models import DirectoryFactor, DirectoryGroup, DirectoryLink  # noqa: F401
from core.loading import quick_from_db
from core.prepared import Prepared
from core.roles import Role
from core.uploads import agency_logo_path, logo_data_uri

DSN_REQUIRED_FOR_STAFF = _("Every department member needs a DSN (departmental serial number).")


class User(AbstractUser):
    """A department member. The DSN is recorded on everything they log (000 IV.A.5)."""

    from_db = quick_from_db  # read without __init__ (core/loading.py)

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
    # 004 §2.0: "the Chief of Police and all command staff are also expected to attend
    # community meetings". Who counts as command staff is the department's decision, not a
    # rank's spelling, so an administrator ticks it; the Chief role counts whatever the box
    # says (outreach/command_staff.py).
    is_command_staff = models.BooleanField(
        _("command staff"),
        default=False,
        help_text=_(
            "Counted among the command staff whose attendance at community meetings is "
            "shown to the Chief. Whoever holds the Chief role is counted without it."
        ),
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
        """The role groups this user holds, read once per request (with the user itself
        when the session's person was loaded by `signed_in`)."""
        if not self.is_authenticated or not self.is_active:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    @classmethod
    def signed_in(cls, pk) -> "User | None":
        """The person a session names, with the role groups they hold read in the same
        query (compiled once, `SIGNED_IN`); None when there is no such person."""
        user = SIGNED_IN.instance(pk)
        if user is None:
            return None
        user.role_names = frozenset(user.held_roles) if user.is_active else frozenset()
        return user

    def has_role(self, *roles: Role) -> bool:
        return any(role.value in self.role_names for role in roles)


# Every signed-in page asks it: compiled once per process (core/prepared.py).
def _signed_in(pk):
    held = Group.objects.filter(user=OuterRef("pk")).values("name")
    return User._default_manager.annotate(held_roles=ArraySubquery(held)).filter(pk=pk).order_by()


SIGNED_IN = Prepared(_signed_in, int)


class Agency(models.Model):
    """The department's profile. One row; it letterheads every PDF."""

    name = models.CharField(max_length=120, default="Police Department", verbose_name=_("name"))
    address = models.CharField(max_length=200, blank=True, verbose_name=_("address"))
    phone = models.CharField(max_length=40, blank=True, verbose_name=_("phone"))
    website = models.URLField(blank=True, verbose_name=_("website"))
    chief_name = models.CharField(_("Chief's name"), max_length=120, blank=True)
    # Where an answer to the product's email goes (its sender address takes no mail).
    reply_to = models.EmailField(
        _("Replies to email go to"),
        blank=True,
        help_text=_(
            "A mailbox someone reads, such as the community relations office's. Left empty, "
            "messages carry no reply address."
        ),
    )
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
    # Working days (accounts/working_days.py): this country's and state's public holidays
    # are not worked, nor are the agency's own closures (Closure).
    holiday_country = models.CharField(
        _("country of the public holidays"),
        max_length=3,
        default="US",
        blank=True,
        help_text=_("Its two-letter code, such as US. Left empty, only weekends and closures."),
    )
    holiday_subdivision = models.CharField(
        _("state or province"),
        max_length=10,
        blank=True,
        help_text=_("Its code, such as IL, for the state's own holidays."),
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
    def for_pages(cls) -> "Agency | None":
        """Every page's layout: the name alone (the rest read if asked); None if unsaved."""
        return AGENCY_NAME.instance(1)

    @classmethod
    def load(cls) -> "Agency":
        agency, _ = cls.objects.get_or_create(pk=1)
        return agency


AGENCY_NAME = Prepared(lambda pk: Agency.objects.filter(pk=pk).only("name"), int)


class Closure(models.Model):
    """A weekday the agency itself does not work, beyond the public holidays: the day
    after Thanksgiving, a furlough day. Not a working day for any rule
    (accounts/working_days.py)."""

    day = models.DateField(_("day"), unique=True)
    name = models.CharField(_("what it is"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self):
        return f"{self.day:%b} {self.day.day}, {self.day.year}: {self.name}"


AREA_SELF_PARENT = _("An area cannot be inside itself.")
AREA_TOO_DEEP = _(
    "An area can be inside a top-level area only (a beat inside a sector): "
    "%(parent)s is itself inside %(grandparent)s."
)
AREA_HAS_CHILDREN = _(
    "This area has areas inside it, so it cannot itself be inside another. "
    "Move its areas out first."
)
AREA_CODE_TAKEN = _("Another area already has this code.")


class AreaQuerySet(models.QuerySet):
    def for_picking(self):
        """Areas as a pick-list names them (Area.label), by name, without their boundaries:
        a department's beats traced from its map can hold thousands of points each."""
        return self.only("code", "name").order_by("name")


class Area(models.Model):
    """One of the agency's own areas: a beat, sector, neighbourhood or district. Concerns,
    outreach activities and organizations point to one; the typed location stays beside it.

    Nesting is one level deep (a beat inside a sector, a neighbourhood inside a district):
    every department's map this serves has at most two levels, and one level makes a cycle
    impossible by construction (a child's parent has no parent). The boundary is GeoJSON in
    longitude/latitude (accounts/geometry.py); the bounding box beside it lets a later query
    pick the few candidate areas for a point with plain comparisons before shapely decides.
    """

    from_db = quick_from_db  # read without __init__ (core/loading.py)

    class Kind(models.TextChoices):
        BEAT = "beat", _("Beat")
        SECTOR = "sector", _("Sector")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
        DISTRICT = "district", _("District")

    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("Short and unique, as briefings and maps use it (for example B3 or NE)."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The area it lies in, if any (a beat's sector)."),
        verbose_name=_("inside"),
    )
    boundary = models.JSONField(
        _("boundary"),
        null=True,
        blank=True,
        help_text=_("GeoJSON Polygon or MultiPolygon, longitude first (WGS 84)."),
    )
    min_longitude = models.FloatField(null=True, blank=True, editable=False)
    min_latitude = models.FloatField(null=True, blank=True, editable=False)
    max_longitude = models.FloatField(null=True, blank=True, editable=False)
    max_latitude = models.FloatField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Inactive areas keep their records but are offered for nothing new."),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name", "code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"), name="area_code_unique", violation_error_message=AREA_CODE_TAKEN
            ),
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="area_not_inside_itself",
                violation_error_message=AREA_SELF_PARENT,
            ),
            # A boundary and its box come together.
            models.CheckConstraint(
                condition=Q(
                    boundary__isnull=True,
                    min_longitude__isnull=True,
                    min_latitude__isnull=True,
                    max_longitude__isnull=True,
                    max_latitude__isnull=True,
                )
                | Q(
                    boundary__isnull=False,
                    min_longitude__isnull=False,
                    min_latitude__isnull=False,
                    max_longitude__isnull=False,
                    max_latitude__isnull=False,
                ),
                name="area_boundary_with_box",
            ),
        ]
        indexes = [
            models.Index(
                fields=["min_latitude", "max_latitude", "min_longitude", "max_longitude"],
                name="area_box_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._set_box()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "boundary" in update_fields:
            kwargs["update_fields"] = {
                *update_fields,
                "min_longitude",
                "min_latitude",
                "max_longitude",
                "max_latitude",
            }
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.code = (self.code or "").strip()
        if self.boundary is not None:
            try:
                self._set_box()
            except ValidationError as error:
                raise ValidationError({"boundary": error}) from error
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": AREA_SELF_PARENT})
        if self.parent.parent_id is not None:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        AREA_TOO_DEEP,
                        params={"parent": self.parent, "grandparent": self.parent.parent},
                    )
                }
            )
        if self.pk is not None and self.children.exists():
            raise ValidationError({"parent": AREA_HAS_CHILDREN})

    def _set_box(self) -> None:
        """The boundary as stored (accounts.geometry.normalised) and its bounding box."""
        box = (None,) * 4
        if self.boundary is not None:
            self.boundary = normalised(self.boundary)
            box = checked_shape(self.boundary).bounds
        self.min_longitude, self.min_latitude, self.max_longitude, self.max_latitude = box

    @property
    def drawn(self) -> bool:
        """Whether it has a boundary, read from its box (area_boundary_with_box keeps the two
        together): a list of areas need not load the boundaries themselves."""
        return self.min_longitude is not None

    @property
    def label(self) -> str:
        """How a list or a picker names it: the code and the name."""
        return f"{self.code} · {self.name}" if self.code != self.name else self.name


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


class LocationSource(models.TextChoices):
    """Where a record's point came from: the order a reader trusts them in."""

    MAP = "map", _("clicked on the map")
    OPEN311 = "open311", _("sent by 311")
    ADDRESS_LIST = "address_list", _("the agency's address list")
    GEOCODER = "geocoder", _("the address lookup service")
    IMPORT = "import", _("an imported file")


def point_constraints(prefix: str) -> list:
    """A point is both coordinates or neither, in degrees, with where it came from."""
    return [
        models.CheckConstraint(
            condition=Q(latitude__isnull=True, longitude__isnull=True, location_source="")
            | Q(
                latitude__gte=-90,
                latitude__lte=90,
                longitude__gte=-180,
                longitude__lte=180,
            )
            & ~Q(location_source=""),
            name=f"{prefix}_point_whole",
        )
    ]


class Located(models.Model):
    """A point (WGS 84 degrees) on a record about a place: a concern, an outreach activity.
    The typed location stays beside it; a point inside an area's boundary places the record
    in that area (accounts.areas.area_at)."""

    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_source = models.CharField(
        _("point from"),
        max_length=16,
        choices=LocationSource.choices,
        blank=True,
        default="",
        db_default="",
    )

    class Meta:
        abstract = True

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class AddressPoint(models.Model):
    """One address of the agency's own address list (the address-point file cities publish),
    so a typed address finds its point with no outside service (accounts/addresses.py)."""

    address = models.CharField(_("address"), max_length=200)
    # The address as a lookup compares it: lower case, one space, street types spelled out.
    key = models.CharField(max_length=200, unique=True, editable=False)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    imported_at = models.DateTimeField(auto_now=True, verbose_name=_("imported at"))

    class Meta:
        verbose_name = _("address point")
        verbose_name_plural = _("address points")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="address_point_in_range",
            )
        ]

    def __str__(self):
        return self.address
