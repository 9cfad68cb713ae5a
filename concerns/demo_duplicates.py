"""The demo's duplicate cluster (issue 22): a street light out on Elm Street in Riverbend's
Beat 3, seen by an officer on patrol and then reported by four residents. One was linked at
intake by the officer who took the call, two came through the public form and the CRO
merged them, and the last, from the city's 311 system, still waits in the CRO's queue of
possible duplicates. Every step goes through the services, as in real use.

Run by seed_demo after concerns.demo (it needs the demo's users and areas).
"""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from concerns import duplicates, intake
from concerns.models import Concern

LEAD_SUMMARY = "Street light out in front of 412 Elm Street"
STREET = "400 block of Elm Street"
# In Beat 3 of the demo town (accounts/demo_areas.py), a few metres apart.
POINT = (41.6001, -88.1003)

# (days ago, source, resident, summary, how it came in, metres north of the pole)
REPORTS = [
    (5, "citizen", "Dolores Vega", "Streetlight out at 412 Elm St", "phoned", 8),
    (4, "web_form", "Marcus Hill", "Street light not working on Elm Street", "merged", 20),
    (3, "web_form", "Priya Nair", "Elm Street light out again, dark at night", "merged", 35),
    (1, "open311", "", "Street light out near 410 Elm Street", "waiting", 15),
]


def _concern(days: int, source: str, name: str, summary: str, metres: int, **fields) -> Concern:
    latitude, longitude = POINT
    return Concern(
        date_received=timezone.localdate() - dt.timedelta(days=days),
        source_type=source,
        source_name=name,
        category=Concern.Category.STREET_LIGHTING,
        nature=Concern.Nature.ACTUAL,
        area=STREET,
        summary=summary,
        description=f"{summary}. The block is dark after sunset; people walk in the road.",
        latitude=latitude + metres / 111_320,
        longitude=longitude,
        location_source="map" if source != "open311" else "open311",
        **fields,
    )


def seed(stdout=None) -> dict:
    """The cluster, once: the lead, three reports merged into it, one possible duplicate."""
    if Concern.objects.filter(summary=LEAD_SUMMARY).exists():
        return {"duplicate cluster": 0}
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    officer, cro = users.get("officer"), users.get("cro")
    if officer is None or cro is None:
        return {"duplicate cluster": 0}

    def as_officer(concern: Concern) -> Concern:
        concern.reported_by = officer
        concern.reporter_name = officer.display_name
        concern.reporter_dsn = officer.dsn or ""
        return intake.receive(
            concern,
            by=officer,
            line=f"Logged by {officer.display_name} (DSN {officer.dsn}).",
        )

    lead = as_officer(_concern(6, "officer_observation", "", LEAD_SUMMARY, 0))
    to_merge = []
    for days, source, name, summary, how, metres in REPORTS:
        if how == "phoned":
            concern = as_officer(_concern(days, source, name, summary, metres))
            duplicates.link(concern=concern, lead=lead, by=officer)
            continue
        line = (
            "Received from the city's 311 system."
            if source == "open311"
            else "Submitted through the public feedback form."
        )
        concern = intake.receive(
            _concern(days, source, name, summary, metres, consent_to_contact=bool(name)),
            line=line,
        )
        if how == "merged":
            to_merge.append(concern)
    duplicates.merge(by=cro, lead=lead, others=to_merge)
    return {"duplicate cluster": 1 + len(REPORTS)}
