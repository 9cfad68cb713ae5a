"""Where a concern is: its point and its area, by the rules every door shares.

A door with a person waiting looks the typed address up before its transaction (`look_up`:
the agency's address list, then its geocoder if it has one); every door then gives a concern
with no point the listed point of its address (`locate`) and a concern with no area the one
its point or typed place is in (`place`, accounts.areas). "Correct the details" places a
corrected concern again (`place_again`).
"""

from accounts import addresses
from accounts.areas import Resolver, resolve
from accounts.models import LocationSource
from concerns.models import Concern


def place(concern: Concern, resolver: Resolver | None = None) -> None:
    """A concern whose door chose no area gets one by the rule every door shares
    (accounts.areas): the boundary its point lies in, else the area its typed location
    names; none when neither says."""
    if concern.defined_area_id is None and (concern.area or concern.has_point):
        concern.defined_area = (resolver or Resolver.load()).place(
            text=concern.area, latitude=concern.latitude, longitude=concern.longitude
        )


def locate(concern: Concern, found: addresses.Found | None = None, *, look: bool = True) -> None:
    """A concern that came with no point takes the one found for its typed address: the
    one a door looked up before its transaction (`found`, which may come from the outside
    geocoder), else the agency's address list (one query, nothing leaves the server)."""
    if concern.has_point or not concern.area:
        return
    if found is None and look:
        found = addresses.locate(concern.area, outside=False)
    if found is not None:
        concern.latitude, concern.longitude = found.latitude, found.longitude
        concern.location_source = found.source


def look_up(text: str, data: dict) -> addresses.Found | None:
    """What a door with a person waiting asks before its transaction: the address list,
    then the agency's geocoder if it has one (a network call never holds a lock)."""
    if data.get("latitude") is not None and data.get("longitude") is not None:
        return None
    return addresses.locate(text)


def place_again(concern: Concern, data: dict, changes: dict) -> None:
    """A corrected place or point finds its area again by the rule every door uses (a point
    inside a boundary, else the typed place), unless the CRO chose an area on the form;
    a point typed or clicked on the form is marked as set on the map."""
    if {"latitude", "longitude"} & changes.keys():
        has_point = data.get("latitude") is not None and data.get("longitude") is not None
        changes["location_source"] = LocationSource.MAP if has_point else ""
    if changes.get("defined_area") is not None:
        return  # the CRO chose it
    if not {"area", "latitude", "longitude", "defined_area"} & changes.keys():
        return
    again = resolve(
        data.get("area", concern.area),
        latitude=data.get("latitude", concern.latitude),
        longitude=data.get("longitude", concern.longitude),
    )
    if again is None and "defined_area" not in changes:
        return  # a place the rule cannot read keeps the area it had
    if again == concern.defined_area:
        changes.pop("defined_area", None)
    else:
        changes["defined_area"] = again
