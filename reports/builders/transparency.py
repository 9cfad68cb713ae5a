"""The public transparency report (002 300.8): statistics only, small counts suppressed."""

import datetime as dt

from django.db.models import Count, Sum
from django.utils.translation import gettext

from concerns.models import Concern, Referral
from core.windows import window
from outreach.models import OutreachActivity
from reports.builders._areas import public_by_area
from reports.builders._common import _labels

C = Concern


SMALL = 5


def suppress(n: int):
    """002 300.8: statistics only, and a count this small could point to a person."""
    return n if n >= SMALL else gettext("fewer than %(count)s") % {"count": SMALL}


def transparency(start: dt.date, end: dt.date) -> dict:
    """For the public: statistics only. No names of officers, suspects or sources, no DSNs,
    no references or case numbers; any count under 5 is shown as "fewer than 5"."""
    received = Concern.objects.received_in(window(start, end))
    activities = OutreachActivity.objects.filter(date__range=(start, end))
    cats = _labels(C.Category.choices)
    kinds = _labels(OutreachActivity.Kind.choices)
    by_category = received.values_list("category").annotate(n=Count("id")).order_by("-n")
    by_kind = activities.values_list("kind").annotate(n=Count("id")).order_by("-n")
    resolved = received.filter(status=C.Status.RESOLVED).count()
    total = received.count()
    return {
        "received": suppress(total),
        "resolved": suppress(resolved),
        "open": suppress(total - resolved),
        "by_category": [[cats[k], suppress(n)] for k, n in by_category],
        "referred": suppress(Referral.objects.filter(referred_on__range=(start, end)).count()),
        "activities": suppress(activities.count()),
        "attendance": suppress(activities.aggregate(n=Sum("attendance"))["n"] or 0),
        "by_kind": [[kinds[k], suppress(n)] for k, n in by_kind],
        # By area only, never a point: a point could find a person (002 300.8).
        "by_area": public_by_area(received, below=SMALL, hidden_words=suppress(0)),
    }
