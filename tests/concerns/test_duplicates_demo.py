"""The demo's duplicate cluster (concerns/demo_duplicates.py) is whole and made once."""

from accounts import demo_areas
from concerns import demo_duplicates
from concerns.models import Concern
from core.roles import Role
from tests.factories import UserFactory


def test_demo_cluster_has_a_lead_three_merged_and_one_waiting(db):
    demo_areas.seed()
    UserFactory(username="officer", roles=[Role.OFFICER], is_demo=True)
    UserFactory(username="cro", roles=[Role.CRO], is_demo=True)
    assert demo_duplicates.seed() == {"duplicate cluster": 5}
    lead = Concern.objects.get(summary=demo_duplicates.LEAD_SUMMARY)
    assert lead.duplicates.count() == 3
    assert lead.updates.filter(kind="reported_again").count() == 1
    waiting = Concern.objects.get(possible_duplicate_of=lead)
    assert waiting.duplicate_of is None and waiting.source_type == "open311"
    assert lead.defined_area.code == "B3"
    assert demo_duplicates.seed() == {"duplicate cluster": 0}
