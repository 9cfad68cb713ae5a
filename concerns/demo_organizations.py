"""The demo's responses to an organization (001 III.C.5): the Maple Heights Neighborhood
Watch raised three concerns at its meetings. One is resolved and the watch was told the
outcome by email; one is resolved with a public note and waits for the CRO to tell them;
one is still being worked. The watch's page shows the three, and the button.

The concerns go through the services, as in real use; the message itself is history (the
demo sends no email, seed_demo runs quiet), so its timeline line is written as the
service writes it (organization_notice.record_outcome_sent), then the dates are moved
back. Run by seed_demo after concerns.demo (it needs the demo's users and organizations).
"""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from concerns import intake, organization_notice, services
from concerns.models import Concern, ConcernUpdate
from outreach.models import CommunityOrganization

WATCH = "Maple Heights Neighborhood Watch"
WATCH_EMAIL = "board@mapleheightswatch.example.org"

# (days ago received, category, summary, public note, what happened: told | resolved | open)
STORIES = [
    (
        24,
        Concern.Category.TRAFFIC,
        "Cars speed on Maple Avenue beside the park at school time",
        "Traffic set up a speed trailer on Maple Avenue for two weeks and patrols checked "
        "speeds at school times. Average speeds dropped by 6 mph.",
        "told",
    ),
    (
        12,
        Concern.Category.STREET_LIGHTING,
        "Two lights out on the footpath behind Maple Heights pool",
        "Public Works replaced both lights on the footpath behind the pool.",
        "resolved",
    ),
    (
        4,
        Concern.Category.NOISE,
        "Loud gatherings in the Maple Heights park lot after midnight",
        "Extra patrols check the park lot on Friday and Saturday nights.",
        "open",
    ),
]


def _moment(days_ago: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days_ago)


def seed(stdout=None) -> dict:
    """The watch's three concerns, once."""
    watch = CommunityOrganization.objects.filter(name=WATCH).first()
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    officer, cro = users.get("officer"), users.get("cro")
    if watch is None or officer is None or cro is None:
        return {"organization responses": 0}
    if Concern.objects.filter(organization=watch, summary=STORIES[0][2]).exists():
        return {"organization responses": 0}
    if not watch.contact_email:
        watch.contact_email = WATCH_EMAIL
        watch.save(update_fields=["contact_email"])
    for days, category, summary, note, what in STORIES:
        concern = intake.receive(
            Concern(
                date_received=timezone.localdate() - dt.timedelta(days=days),
                source_type=Concern.SourceType.WATCH_GROUP,
                source_name=WATCH,
                organization=watch,
                category=category,
                nature=Concern.Nature.ACTUAL,
                area="Maple Heights",
                summary=summary,
                description=f"{summary}. Raised by the watch's board at its monthly meeting.",
                public_note=note,
                reported_by=officer,
                reporter_name=officer.display_name,
                reporter_dsn=officer.dsn or "",
            ),
            by=officer,
            line=f"Logged by {officer.display_name} (DSN {officer.dsn}).",
        )
        services.record_progress(
            concern=concern, by=cro, text="Asked the unit concerned to look into it."
        )
        if what != "open":
            services.resolve_concern(concern=concern, by=cro, resolution=note)
        if what == "told":
            organization_notice.record_outcome_sent(concern, watch, cro)
        _backdate(concern, days)
    return {"organization responses": len(STORIES)}


def _backdate(concern: Concern, days: int) -> None:
    """Its lines two days apart from the day it was received (never later than now)."""
    start = _moment(days)
    for i, update in enumerate(concern.updates.order_by("id")):
        moment = min(start + dt.timedelta(days=i * 2, hours=2), timezone.now())
        ConcernUpdate.objects.filter(pk=update.pk).update(created_at=moment)
    Concern.objects.filter(pk=concern.pk).update(created_at=start)
    resolved = concern.updates.filter(kind=ConcernUpdate.Kind.RESOLVED).order_by("-id").first()
    if resolved is not None:
        Concern.objects.filter(pk=concern.pk).update(
            resolved_at=ConcernUpdate.objects.get(pk=resolved.pk).created_at
        )
