"""Give-away materials waiting for the Chief, for the inbox (core.decisions.INBOX)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from core.decisions import LIMIT, InboxKind, Item, buttons
from outreach import services
from outreach.models import Material


def waiting() -> list[Item]:
    waiting = Material.objects.filter(status=Material.Status.SUBMITTED).select_related("created_by")
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
        for m in waiting[:LIMIT]
    ]


def decide(pk, *, by, decision, comment="", revision=None):
    material = get_object_or_404(Material, pk=pk)
    return services.decide_material(material=material, by=by, decision=decision, comment=comment)


KINDS = [InboxKind("material", waiting, decide)]
