"""Reads for concerns: chainable, with their joins in one place."""

import re
from datetime import date

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import Exists, OuterRef, Q

from accounts.permissions import Permission, permissions_for
from accounts.roles import Role

REFERENCE_RE = re.compile(r"^\s*CR-(\d{4})-(\d+)\s*$", re.IGNORECASE)


class ConcernQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What the user may see: oversight roles see all; others what they logged or hold."""
        granted = permissions_for(user)
        if Permission.VIEW_CONCERN not in granted:
            return self.none()
        qs = self
        if Permission.VIEW_CONDUCT_CONCERNS not in granted:
            # 001 IV.C: conduct and bias concerns only to supervisors, the CRO and the Chief.
            qs = qs.exclude(category="conduct_bias")
        if Permission.VIEW_ALL_CONCERNS in granted:
            return qs
        from concerns.models import Routing

        commanded = Routing.objects.filter(concern=OuterRef("pk"), unit__commander=user)
        return qs.filter(Q(reported_by=user) | Q(assignee=user) | Exists(commanded))

    def open(self):
        return self.exclude(status="resolved")

    def for_list(self):
        return self.select_related("assignee").only(
            "reference",
            "date_received",
            "category",
            "nature",
            "area",
            "status",
            "priority",
            "source_type",
            "reporter_name",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__rank",
            "assignee__username",
        )

    def awaiting_response(self):
        from concerns.models import Referral

        return self.filter(
            Exists(Referral.objects.filter(concern=OuterRef("pk"), responded_on__isnull=True))
        )

    def referral_overdue(self, today: date):
        from concerns.models import Referral

        return self.filter(
            Exists(
                Referral.objects.filter(
                    concern=OuterRef("pk"), responded_on__isnull=True, due_on__lt=today
                )
            )
        )

    def needs_action_by(self, user):
        """What waits for this user's next step, by the roles they hold."""
        from concerns.models import Routing

        wants = Q(assignee=user) & ~Q(status="resolved")
        wants |= Q(reported_by=user, status="received")
        if user.has_role(Role.SUPERVISOR, Role.CHIEF):
            wants |= Q(status="escalated")
        if user.has_role(Role.CRO):
            wants |= Q(status__in=["forwarded", "reopened"])
            # Residents' own submissions land directly in the CRO's queue.
            wants |= Q(status="received", reported_by__isnull=True)
        pending = Routing.objects.filter(
            concern=OuterRef("pk"), unit__commander=user, acknowledged_at__isnull=True
        )
        return self.filter(wants | Exists(pending))

    def search(self, text: str):
        match = REFERENCE_RE.match(text or "")
        if match:
            return self.filter(reference__iexact=text.strip())
        query = SearchQuery(text, search_type="websearch", config="english")
        return self.filter(search_vector=query)
