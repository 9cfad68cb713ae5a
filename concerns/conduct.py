"""The conduct or bias rule (001 IV.C: "early examination and elimination of potential
biased or prejudicial conduct"), in one place for every way a concern becomes one: logged
as such (concerns/intake.py) or recategorised by a correction (services.edit_concern).

Such a concern is restricted at once: only supervisors, the CRO and the Chief see it (the
category itself does that, ConcernQuerySet.visible_to). It is flagged at once: a concern
still in the officer's hands goes to the supervisors, the timeline says so and names who
did it, the supervisors and the Chief are told, and the dashboard's conduct flag shows it
until a supervisor or the Chief acts on it (desk/dashboard.py).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns.models import Concern, ConcernUpdate
from core.permissions import Permission, has_permission
from core.roles import Role
from notifications.notify import holders, notify

S = Concern.Status
K = ConcernUpdate.Kind

CONDUCT_FLAG = _(
    "Officer conduct or bias concern: sent to supervisors, the Community Relations Officer "
    "and the Chief at once."
)
RECATEGORISED_INTO = _(
    "Recategorised as Officer conduct or bias by %(name)s: sent to supervisors, the "
    "Community Relations Officer and the Chief at once."
)
CONDUCT_CATEGORY_FIXED = _(
    "Only a supervisor, the Community Relations Officer or the Chief can move a concern into "
    "or out of “Officer conduct or bias”."
)
RECATEGORISED_OUT = _(
    "Recategorised from Officer conduct or bias to %(category)s by %(name)s: officers who "
    "hold the concern can see it again."
)


def flag_conduct(concern: Concern) -> None:
    """001 IV.C: such a concern skips the officer's own steps (the officer can no longer
    see it) and waits for a supervisor. Unsaved: the caller writes the status."""
    if concern.is_conduct and concern.status == S.RECEIVED:
        concern.status = S.ESCALATED


def record_conduct_flag(concern: Concern, by=None, *, recategorised: bool = False) -> None:
    """The flag's timeline line and notice. The line is the act of whoever logged or
    recategorised the concern (None only for a resident's form or the city's 311), never
    an anonymous "public form" line for an officer's intake."""
    if not concern.is_conduct:
        return
    if recategorised:
        text = RECATEGORISED_INTO % {"name": by.display_name}
        title = gettext(
            "Concern %(reference)s was recategorised as officer conduct or bias: it waits "
            "for a supervisor's review"
        )
    else:
        text = CONDUCT_FLAG
        title = gettext(
            "Officer conduct or bias concern %(reference)s received: it waits for a "
            "supervisor's review"
        )
    ConcernUpdate.objects.create(concern=concern, kind=K.ESCALATED, author=by, text=str(text))
    # The Chief and the supervisors hear at once; the title names no one and quotes
    # nothing (the reader opens the concern to see what they may see).
    notify(
        "conduct_concern",
        holders(Role.CHIEF, Role.SUPERVISOR),
        title=title % {"reference": concern.reference},
        url=concern.get_absolute_url(),
        by=by,
    )


def recategorising(concern: Concern, data: dict, by) -> bool:
    """Whether a correction (services.edit_concern) moves the concern into or out of the
    category; refused to anyone who may not see such concerns."""
    conduct = Concern.Category.CONDUCT_BIAS
    moving = "category" in data and (data["category"] == conduct) != concern.is_conduct
    if moving and not has_permission(by, Permission.VIEW_CONDUCT_CONCERNS):
        raise ValidationError({"category": CONDUCT_CATEGORY_FIXED})
    return moving


def status_change(concern: Concern, category: str) -> dict:
    """The status a recategorised concern takes by `flag_conduct`, as a change to save."""
    flagged = Concern(category=category, status=concern.status)
    flag_conduct(flagged)
    return {"status": flagged.status} if flagged.status != concern.status else {}


def record_recategorised(concern: Concern, by) -> None:
    """The timeline after a recategorisation (saved): into the category, the flag as at
    intake, named after who did it; out of it, a line that says so."""
    if concern.is_conduct:
        record_conduct_flag(concern, by, recategorised=True)
        return
    ConcernUpdate.objects.create(
        concern=concern,
        kind=K.EDITED,
        author=by,
        text=RECATEGORISED_OUT
        % {"category": concern.get_category_display(), "name": by.display_name},
    )
