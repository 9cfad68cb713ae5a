"""Give-away materials waiting for the Chief, for the inbox (core.decisions.INBOX)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.decisions import LIMIT, InboxKind, Item, buttons
from core.prepared import Prepared
from outreach import services
from outreach.models import Material

# Asked on every view of the inbox: compiled once (core/prepared.py).
SUBMITTED = Prepared(
    lambda: Material.objects.filter(status=Material.Status.SUBMITTED).select_related("created_by")[
        :LIMIT
    ]
)


def waiting() -> list[Item]:
    return [
        Item(
            "material",
            _("Give-away material"),
            m.pk,
            m.name,
            m.get_absolute_url(),
            m.created_by.display_name,
            m.submitted_at or m.created_at,
            buttons(services.MATERIAL_DECIDER),
        )
        for m in SUBMITTED.instances()
    ]


def decide(pk, *, by, decision, comment="", revision=None):
    material = get_object_or_404(Material, pk=pk)
    return services.decide_material(material=material, by=by, decision=decision, comment=comment)


KINDS = [InboxKind("material", waiting, decide)]
