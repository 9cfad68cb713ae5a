import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from imports.models import import_log_field

# An organization with no activity held with it for this many days is one to contact again
# (000 III.1): the dashboard names them, the list finds them ("No contact for 90 days").
STALE_DAYS = 90


def stale_cutoff(today: dt.date) -> dt.date:
    """The first day whose activity still counts as recent contact."""
    return today - dt.timedelta(days=STALE_DAYS)


class OrganizationQuerySet(models.QuerySet):
    def with_last_contact(self):
        """The date of the latest activity with the organization, computed in SQL."""
        from outreach.models.activities import OutreachActivity

        latest = (
            OutreachActivity.objects.filter(organization=OuterRef("pk"))
            .order_by("-date")
            .values("date")[:1]
        )
        return self.annotate(last_contact=Subquery(latest))

    def active(self):
        return self.filter(is_active=True)

    def stale(self, today: dt.date):
        """Those with no activity held with them since stale_cutoff(today): the last
        contact before it, or none."""
        from outreach.models.activities import OutreachActivity

        recent = OutreachActivity.objects.filter(
            organization=OuterRef("pk"), date__gte=stale_cutoff(today)
        )
        return self.exclude(Exists(recent))


class CommunityOrganization(models.Model):
    """The liaison registry (000 III.1, 001 III.C.1, 003 1.a.1)."""

    class Kind(models.TextChoices):
        NEIGHBORHOOD_WATCH = "neighborhood_watch", _("Neighborhood watch")
        BUSINESS_WATCH = "business_watch", _("Business watch")
        CIVIC = "civic", _("Civic organization")
        FAITH = "faith", _("Faith organization")
        SCHOOL = "school", _("School")
        BUSINESS_ASSOCIATION = "business_association", _("Business association")
        SOCIAL_SERVICE = "social_service", _("Social service provider")
        FAMILY_VIOLENCE = "family_violence", _("Family-violence center")
        SEXUAL_ASSAULT = "sexual_assault", _("Sexual-assault program")
        ADVISORY_COMMITTEE = "advisory_committee", _("Community advisory committee")
        OTHER = "other", _("Other")

    name = models.CharField(max_length=160, unique=True, verbose_name=_("name"))
    kind = models.CharField(max_length=24, choices=Kind.choices, verbose_name=_("kind"))
    contact_name = models.CharField(max_length=120, blank=True, verbose_name=_("contact name"))
    contact_phone = models.CharField(max_length=40, blank=True, verbose_name=_("contact phone"))
    contact_email = models.EmailField(blank=True, verbose_name=_("contact email"))
    area = models.CharField(
        max_length=160,
        blank=True,
        help_text=_("The address or place it works in, as given."),
        verbose_name=_("location"),
    )
    defined_area = models.ForeignKey(
        "accounts.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("area"),
    )
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_organizations",
        verbose_name=_("liaison officer"),
    )
    helped_establish = models.BooleanField(
        _("the department helped establish it"),
        default=False,
        help_text=_("000 III.8, 001 III.C.8: advice and help in establishing community groups."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(blank=True, verbose_name=_("notes"))
    import_log = import_log_field()
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("community organization")
        verbose_name_plural = _("community organizations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kind", "name"], name="org_kind_idx"),
            models.Index(
                fields=["area"], name="org_unplaced_idx", condition=Q(defined_area__isnull=True)
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("outreach:organization", args=[self.pk])

    def last_contact_date(self):
        if hasattr(self, "last_contact"):
            return self.last_contact
        return self.activities.aggregate(last=Max("date"))["last"]
