from django.conf import settings
from django.db import models
from django.db.models import Max, OuterRef, Subquery
from django.urls import reverse

from accounts.models import import_log_field


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


class CommunityOrganization(models.Model):
    """The liaison registry (000 III.1, 001 III.C.1, 003 1.a.1)."""

    class Kind(models.TextChoices):
        NEIGHBORHOOD_WATCH = "neighborhood_watch", "Neighborhood watch"
        BUSINESS_WATCH = "business_watch", "Business watch"
        CIVIC = "civic", "Civic organization"
        FAITH = "faith", "Faith organization"
        SCHOOL = "school", "School"
        BUSINESS_ASSOCIATION = "business_association", "Business association"
        SOCIAL_SERVICE = "social_service", "Social service provider"
        FAMILY_VIOLENCE = "family_violence", "Family-violence center"
        SEXUAL_ASSAULT = "sexual_assault", "Sexual-assault program"
        ADVISORY_COMMITTEE = "advisory_committee", "Community advisory committee"
        OTHER = "other", "Other"

    name = models.CharField(max_length=160, unique=True)
    kind = models.CharField(max_length=24, choices=Kind.choices)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    area = models.CharField(max_length=160, blank=True, help_text="Neighborhood, beat or address.")
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="liaison_organizations",
    )
    helped_establish = models.BooleanField(
        "the department helped establish it",
        default=False,
        help_text="000 III.8, 001 III.C.8: advice and help in establishing community groups.",
    )
    is_active = models.BooleanField("active", default=True)
    notes = models.TextField(blank=True)
    import_log = import_log_field()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "name"], name="org_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("outreach:organization", args=[self.pk])

    def last_contact_date(self):
        if hasattr(self, "last_contact"):
            return self.last_contact
        return self.activities.aggregate(last=Max("date"))["last"]
