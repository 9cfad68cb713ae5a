"""The concern references a report's page may link: the figures keep references as text
(frozen at submission, the same for every reader); whether one is a link depends on who
reads the page (concerns' own visibility decides), so the page never links to a 404."""

from concerns.models import Concern


def references_in(data) -> set[str]:
    """Every concern reference in a report's figures (rows keep theirs as "reference")."""
    found = set()
    if isinstance(data, dict):
        if isinstance(data.get("reference"), str):
            found.add(data["reference"])
        for value in data.values():
            found |= references_in(value)
    elif isinstance(data, list):
        for value in data:
            found |= references_in(value)
    return found


def openable_references(user, data) -> set[str]:
    """The references of the report the viewer may open (one query): the others are shown
    as text, never as a link to a page that would answer "not found"."""
    refs = references_in(data)
    if not refs:
        return set()
    return set(
        Concern.objects.visible_to(user)
        .filter(reference__in=refs)
        .values_list("reference", flat=True)
    )
