"""The services the endpoint offers (one per public category) and its discovery document."""

from django.conf import settings
from django.urls import reverse

from accounts.models import Agency
from concerns.models import Concern
from concerns.open311.texts import CHANGESET, CONDUCT, GROUP, SPECIFICATION

# --- The services: one per public category --------------------------------------------

SERVICE_TEXT = {
    Concern.Category.TRAFFIC: (
        "Speeding, dangerous driving, cut-through traffic, crossings and traffic safety "
        "around schools.",
        ["speeding", "traffic", "crosswalk", "school zone", "driving"],
    ),
    Concern.Category.PARKING: (
        "Parking problems: blocked driveways, parking that is unsafe or goes on for days.",
        ["parking", "blocked driveway", "abandoned vehicle"],
    ),
    Concern.Category.STREET_LIGHTING: (
        "Dark streets, paths and parks where lighting affects safety.",
        ["street light", "lighting", "dark", "safety"],
    ),
    Concern.Category.NOISE: (
        "Repeated noise: music, parties, vehicles, businesses at night.",
        ["noise", "music", "party", "loud"],
    ),
    Concern.Category.NARCOTICS: (
        "Suspected drug dealing or drug use in a place, as a neighborhood problem. Not for "
        "emergencies or crimes in progress: call 911.",
        ["drugs", "narcotics", "dealing"],
    ),
    Concern.Category.PROPERTY_CRIME: (
        "Patterns of theft, break-ins, vandalism or graffiti in an area. To report a crime "
        "that just happened, call the department; in an emergency call 911.",
        ["theft", "burglary", "vandalism", "graffiti", "break-in"],
    ),
    Concern.Category.VIOLENT_CRIME: (
        "Worries about violence in a neighborhood. Not for emergencies or crimes in "
        "progress: call 911.",
        ["violence", "fights", "assault", "safety"],
    ),
    Concern.Category.YOUTH: (
        "Concerns involving young people: loitering, truancy, a need for activities or programs.",
        ["youth", "teens", "truancy", "school"],
    ),
    Concern.Category.HOMELESSNESS: (
        "People without shelter who may need help, and encampment concerns.",
        ["homeless", "encampment", "shelter"],
    ),
    Concern.Category.QUALITY_OF_LIFE: (
        "Neighborhood conditions that affect safety or well-being: nuisance properties, "
        "littering, loitering.",
        ["quality of life", "nuisance", "neighborhood"],
    ),
    Concern.Category.POLICE_SERVICE: (
        "How the department serves the neighborhood: patrols, response, visibility, "
        "outreach and suggestions.",
        ["police", "patrol", "service", "suggestion", "complaint"],
    ),
    Concern.Category.OTHER: (
        "Any other community concern for the police department.",
        ["other", "police", "community"],
    ),
}


def public_categories() -> list[tuple[str, str]]:
    """Every category a 311 request may use: all but conduct and bias. The names as plain
    text: they are written into JSON."""
    return [(code, str(label)) for code, label in Concern.Category.choices if code != CONDUCT]


def complaint_process(agency: Agency | None = None) -> str:
    """How to make a conduct or bias complaint: the department's own form, its phone."""
    agency = agency or Agency.load()
    form_url = _absolute(reverse("feedback"))
    how = f"Use the department's own complaint form at {form_url}"
    how += f" or call {agency.name} at {agency.phone}." if agency.phone else "."
    return how


def service_list() -> list[dict]:
    how = complaint_process()
    conduct_note = f" Complaints about an officer's conduct or bias: {how}"
    services = []
    for code, label in public_categories():
        description, keywords = SERVICE_TEXT.get(code, (label, [label.lower()]))
        if code in (Concern.Category.POLICE_SERVICE, Concern.Category.OTHER):
            description += conduct_note
        services.append(
            {
                "service_code": code,
                "service_name": label,
                "description": description,
                "metadata": False,
                "type": "realtime",
                "keywords": ", ".join(keywords),
                "group": GROUP,
            }
        )
    return services


def discovery() -> dict:
    agency = Agency.load()
    phone = f", {agency.phone}" if agency.phone else ""
    website = f", {agency.website}" if agency.website else ""
    base = reverse("open311:discovery", kwargs={"fmt": "json"}).removesuffix("/discovery.json")
    return {
        "changeset": CHANGESET,
        "contact": f"{agency.name}, Community Relations Officer{phone}{website}",
        "key_service": "Keys are issued by the department's Community Relations Officer"
        f"{' (' + agency.phone + ')' if agency.phone else ''}. Requests can be read "
        "without a key, and a key reads the same unless the department widens its scope.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _absolute(base),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }


def _absolute(path: str) -> str:
    return settings.CRD_SITE_URL.rstrip("/") + path
