"""Demo data for the integration pages: a key for the city's 311 system, a few requests it
sent (through the 311 intake itself, so that the public feed has something to show: only
what came through the public doors is public), a few old concerns brought in from last
decade's spreadsheet through the importer itself, and public notes on some resolved
concerns (what 311 shows with the status). Idempotent."""

import tablib

from accounts.models import User
from concerns.models import Concern, Open311Key
from concerns.open311 import issue_key, submit_open311_request
from imports.engine import auto_mapping, run_import
from imports.models import ImportLog
from imports.specs import specs

OLD_FILE = "community-concerns-2019.xlsx"
OLD_ROWS = [
    [
        "CR-2019-0101",
        "2019-02-11",
        "Neighborhood or business watch",
        "traffic",
        "Elm Street",
        "Cut-through traffic on Elm during school hours.",
        "resolved",
        "2019-03-20",
    ],
    [
        "CR-2019-0102",
        "2019-04-02",
        "Citizen",
        "street_lighting",
        "Willow Creek trail",
        "Three lights out along the trail.",
        "resolved",
        "2019-04-30",
    ],
    [
        "CR-2019-0103",
        "2019-06-17",
        "School",
        "youth",
        "Lincoln Elementary School",
        "Students waiting unsupervised at the bus stop.",
        "resolved",
        "2019-08-01",
    ],
    [
        "CR-2019-0104",
        "2019-09-05",
        "Business",
        "parking",
        "Main Street",
        "Delivery trucks double-park every morning.",
        "resolved",
        "2019-10-12",
    ],
    [
        "CR-2019-0105",
        "2019-11-21",
        "Civic or faith organization",
        "quality_of_life",
        "Riverside Park",
        "Graffiti on the pavilion.",
        "resolved",
        "2019-12-03",
    ],
]
HEADERS = ["reference", "date_received", "source_type", "category", "area", "description",
           "status", "resolved_on"]  # fmt: skip
# Requests from the city's 311 system. The feed shows each at its block ("400 block of Elm
# St"), never the address as typed.
REQUESTS = [
    ("street_lighting", "412 Elm St", "Two street lights out in front of the library."),
    ("traffic", "Elm & 5th", "Drivers run the stop sign every morning."),
    ("noise", "1210 Cedar Grove Ave, Apt 3", ""),  # no description: the spec allows it
]
# The point the 311 app sent with a request, where it sent one (the first two are found on
# the town's address list instead).
POINTS = {2: {"lat": "41.6261", "long": "-88.0648"}}
NOTES = [
    "Patrols added at school hours; speed trailer placed for two weeks.",
    "Public Works replaced the lights.",
    "Referred to the city; follow-up scheduled with the neighborhood watch.",
]


def seed(stdout=None) -> dict:

    cro = User.objects.get(username="cro")
    made = {"311 keys": 0, "311 requests": 0, "imported concerns": 0, "public notes": 0}
    if not Open311Key.objects.exists():
        issue_key(by=cro, name="City 311 system")
        made["311 keys"] = 1
    if not Concern.objects.filter(source_type=Concern.SourceType.OPEN311).exists():
        key = Open311Key.objects.filter(revoked_at__isnull=True).first()
        for number, (code, address, description) in enumerate(REQUESTS if key else []):
            data = {"service_code": code, "address_string": address, "description": description}
            data.update(POINTS.get(number, {}))
            submit_open311_request(key=key, data=data)
            made["311 requests"] += 1
    if not ImportLog.objects.filter(file_name=OLD_FILE).exists():
        spec = specs()["concerns"]
        dataset = tablib.Dataset(*OLD_ROWS, headers=HEADERS)
        log = ImportLog.objects.create(
            kind=spec.kind,
            file_name=OLD_FILE,
            by=cro,
            mapping=auto_mapping(spec, HEADERS),
        )
        run_import(log=log, dataset=dataset)
        log.refresh_from_db()
        made["imported concerns"] = log.created
    already_noted = Concern.objects.exclude(public_note="").exists()
    for concern, note in zip(
        Concern.objects.none()
        if already_noted
        else Concern.objects.filter(status="resolved", import_log__isnull=True)
        .exclude(category="conduct_bias")
        .order_by("-date_received")[: len(NOTES)],
        NOTES,
        strict=False,
    ):
        concern.public_note = note
        concern.save(update_fields=["public_note"])
        made["public notes"] += 1
    return made
