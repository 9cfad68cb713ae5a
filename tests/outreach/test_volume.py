"""The benchmark's bulk outreach activities (outreach/volume.py, `seed_volume --activities`)
are rows the application itself could have saved: every column the model requires is
given, as the model's own rules would give it."""

import pytest

from outreach.models import OutreachActivity
from outreach.volume import seed_activities
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_bulk_activities_are_held_and_foot_patrols_told_the_supervisor():
    loggers = [UserFactory(), UserFactory()]
    made = seed_activities(count=400, loggers=loggers, years=2, organizations=20, log=print)
    assert made == 400
    activities = OutreachActivity.objects.all()
    assert activities.count() == 400
    assert set(activities.values_list("status", flat=True)) == {OutreachActivity.Status.HELD}
    patrols = activities.filter(kind=OutreachActivity.Kind.FOOT_PATROL)
    assert patrols.exists()
    assert not patrols.filter(supervisor_notified=False).exists()
    assert (
        not activities.exclude(kind=OutreachActivity.Kind.FOOT_PATROL)
        .filter(supervisor_notified=True)
        .exists()
    )
    assert set(activities.values_list("notice_note", flat=True)) == {""}
