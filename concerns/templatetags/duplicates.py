"""The duplicates panel of a concern's page (concerns/duplicates.py): one line in
concern_detail.html, a fixed number of queries whatever the concern gathered."""

from django import template

from concerns import lookalikes
from concerns.duplicate_forms import MergeForm
from concerns.models import Concern
from core.permissions import Permission, has_permission

register = template.Library()

SHOWN = 50  # gathered reports listed on the page; the count says if there are more


@register.inclusion_tag("concerns/_duplicates.html", takes_context=True)
def duplicates_panel(context, concern: Concern | None = None):
    concern = concern or context["concern"]
    user = context["request"].user
    may_merge = has_permission(user, Permission.MERGE_CONCERNS)
    panel = {
        "concern": concern,
        "csrf_token": context.get("csrf_token"),
        "may_merge": may_merge,
        "merged_into": None,
        "gathered": [],
        "possible": None,
        "form": None,
    }
    if concern.duplicate_of_id:
        panel["merged_into"] = (
            Concern.objects.only("reference", "summary", "status")
            .filter(pk=concern.duplicate_of_id)
            .first()
        )
        return panel
    panel["gathered"] = list(
        concern.duplicates.only(
            "reference", "summary", "date_received", "source_type", "merged_at", "duplicate_of"
        ).order_by("date_received", "id")[: SHOWN + 1]
    )
    panel["more"] = len(panel["gathered"]) > SHOWN
    panel["gathered"] = panel["gathered"][:SHOWN]
    if concern.possible_duplicate_of_id and concern.is_open:
        panel["possible"] = (
            Concern.objects.only("reference", "summary", "status", "revision", "duplicate_of")
            .filter(pk=concern.possible_duplicate_of_id)
            .first()
        )
    if may_merge and concern.is_open and not concern.is_conduct:
        # The candidates are read only for those who may merge (one query, bounded).
        found = lookalikes.candidates_for(concern)
        panel["form"] = MergeForm(lead=concern, scope=Concern.objects.none(), candidates=found)
    return panel
