"""Reads for concerns: chainable, with their joins in one place."""

import re
from datetime import date

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left

from core.permissions import Permission, permissions_for
from core.roles import Role

# How much of the description a row without a summary shows (cut at a word to ~100).
DESCRIPTION_START = 120

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

        return qs.filter(
            pk__in=_any_of(
                self.model.objects.filter(reported_by=user),
                self.model.objects.filter(assignee=user),
                Routing.objects.filter(unit__commander=user).values("concern_id"),
            )
        )

    def open(self):
        return self.exclude(status="resolved")

    # --- What a report counts (reports/builders), each over a core.windows.Window ---------

    def counted(self):
        """What a report or a dashboard counts: a report merged into a lead is counted once,
        as its lead (concerns/duplicates.py); lists still show it, marked. Every figure
        below starts here; a figure written without them must call it too."""
        # concern_recent_idx includes duplicate_of, so the counts by date stay index-only
        # scans: a year's count at a million concerns (5% merged) takes 47 ms, as without
        # the rule; 440 ms when the column had to be read from the table.
        return self.filter(duplicate_of__isnull=True)

    def with_gathered(self):
        """Each concern with `gathered`, how many reports were merged into it (a subquery on
        concern_duplicates_idx, which holds only merged rows)."""
        gathered = (
            self.model.objects.filter(duplicate_of=OuterRef("pk"))
            .order_by()
            .values("duplicate_of")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(gathered=Coalesce(Subquery(gathered), 0))

    def received_in(self, w):
        """Received on a day of the window (as of today while it runs)."""
        return self.counted().filter(date_received__range=(w.first_day, w.last_day))

    def open_during(self, w):
        """Open at some moment of the window: received by its last day and not resolved
        throughout it. A concern is resolved throughout when it was resolved as the window
        began (still resolved since a resolution before it, or resolved then by its timeline
        and reopened only afterwards) and no reopening falls inside the window."""
        from concerns.models import ConcernUpdate

        K = ConcernUpdate.Kind
        moves = ConcernUpdate.objects.filter(
            concern=OuterRef("pk"), kind__in=[K.RESOLVED, K.REOPENED]
        )
        last_move = moves.filter(created_at__lte=w.start).order_by("-created_at", "-id")
        resolved_at_start = Q(status="resolved", resolved_at__lte=w.start) | Q(
            Exists(moves.filter(kind=K.REOPENED, created_at__gt=w.start)),
            _last_move=K.RESOLVED,
        )
        reopened_inside = Exists(
            moves.filter(kind=K.REOPENED, created_at__gte=w.start, created_at__lt=w.end)
        )
        return (
            self.counted()
            .filter(date_received__lte=w.last_day)
            .annotate(
                _last_move=Subquery(last_move.values("kind")[:1]),
                _resolved_throughout=Case(
                    When(resolved_at_start & ~reopened_inside, then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                ),
            )
            .filter(_resolved_throughout=False)
        )

    def for_list(self, *more: str):
        """What a list row reads (concerns/templatetags/concern_rows.py), in one query with
        the assignee, the area's name and a merged report's lead; `more`: fields a page
        reads besides (another relation's, with its select_related)."""
        return self.select_related("assignee", "defined_area", "duplicate_of").only(
            *more,
            "reference",
            "date_received",
            "summary",
            "category",
            "nature",
            "area",
            "status",
            "priority",
            "source_type",
            "reporter_name",
            # The pages of an organization and an activity list concerns through the
            # related managers, which read these: loaded with the row, not one query each.
            "organization",
            "activity",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__rank",
            "assignee__username",
            "defined_area__name",
            # A merged report is listed, marked "merged into CR-…" (concerns/duplicates.py).
            "duplicate_of__reference",
            # Whose move it is (concerns/next_step.py) and when it last changed.
            "reported_by",
            "updated_at",
        )

    def with_row_facts(self, user):
        """What a list row says beyond the concern's own columns (concerns/next_step.py,
        templates/concerns/_concern_rows.html), as subqueries of the same query: the unit
        whose acknowledgment is awaited, the one of them this user commands, whether the
        concern was ever routed to a unit of theirs (which lets them open it), the
        department whose answer is awaited and when, and the start of the description for
        a row without a summary. Use after `for_list()`."""
        # Nobody commands as the anonymous user; None would match units without a commander.
        return self.row_facts_for(user.pk or 0)

    def row_facts_for(self, commander: int):
        """`with_row_facts` for the viewer with this id (0: nobody)."""
        from concerns.models import Referral, Routing

        routings = Routing.objects.filter(concern=OuterRef("pk")).order_by("routed_at", "id")
        pending = routings.filter(acknowledged_at__isnull=True)
        awaited = Referral.objects.filter(
            concern=OuterRef("pk"), responded_on__isnull=True
        ).order_by("due_on", "id")
        return self.annotate(
            description_start=Left("description", DESCRIPTION_START),
            pending_unit=Subquery(pending.values("unit__name")[:1]),
            viewer_unit=Subquery(
                pending.filter(unit__commander=commander).values("unit__name")[:1]
            ),
            viewer_routed=Exists(routings.filter(unit__commander=commander)),
            awaiting_department=Subquery(awaited.values("department__name")[:1]),
            awaiting_due=Subquery(awaited.values("due_on")[:1]),
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

    def routing_overdue(self, today: date):
        """Routed to a unit that has not acknowledged it past its two working days
        (000 §III.5; the rule is concerns/acknowledgement.py)."""
        from concerns.acknowledgement import has_overdue_routing

        return self.filter(has_overdue_routing(today))

    def needs_action_by(self, user):
        """What waits for this user's next step, by the roles they hold."""
        from concerns.models import Routing

        concerns = self.model.objects
        # The person's own: each part on its own index, joined as one UNION.
        wants = Q(
            pk__in=_any_of(
                concerns.filter(assignee=user).exclude(status="resolved"),
                concerns.filter(reported_by=user, status="received"),
                Routing.objects.filter(unit__commander=user, acknowledged_at__isnull=True).values(
                    "concern_id"
                ),
            )
        )
        # A role's queue is a status: common enough that reading by date finds it at once.
        if user.has_role(Role.SUPERVISOR, Role.CHIEF):
            wants |= Q(status="escalated")
        if user.has_role(Role.CRO):
            wants |= Q(status__in=["forwarded", "reopened"])
            # Residents' own submissions land directly in the CRO's queue.
            wants |= Q(status="received", reported_by__isnull=True)
        return self.filter(wants)

    def search(self, text: str):
        match = REFERENCE_RE.match(text or "")
        if match:
            return self.filter(reference__iexact=text.strip())
        query = SearchQuery(text, search_type="websearch", config="english")
        return self.filter(search_vector=query)


def _any_of(*parts):
    """The ids in any of the parts (querysets of concerns, or of one concern_id column), as
    one UNION ALL for `pk__in`. Each part is a lookup on its own index (reporter, assignee,
    status, a unit's routings); the same conditions joined with OR and EXISTS made
    PostgreSQL read the whole table: an officer's "waiting for you" count took 0.58 s at a
    million concerns, 3 ms this way."""
    ids = [
        p.values("pk").order_by() if p.query.values_select == () else p.order_by() for p in parts
    ]
    return ids[0].union(*ids[1:], all=True)
