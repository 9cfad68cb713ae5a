import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import Agency, User
from core.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.whole_demo]


def test_seed_demo_twice_creates_nothing_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Agency.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Agency.objects.count()) == counts
    assert counts == (len(DEMO_USERS) + 1, 1)
    from concerns.models import Concern

    assert 150 <= Concern.objects.count() <= 250
    assert set(Concern.objects.values_list("status", flat=True)) == set(Concern.Status)


def test_seed_demo_gives_every_role_a_user(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role
    multi = User.objects.get(username="multi")
    assert len(multi.role_names) >= 2
    assert User.objects.get(username="officer").check_password(DEMO_PASSWORD)
    assert all(User.objects.values_list("is_demo", flat=True))


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="runs only with DJANGO_DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_seed_volume_continues_references_and_timelines(settings):
    from concerns.models import Concern, ConcernUpdate

    settings.DEBUG = True
    call_command("seed_demo")
    before = Concern.objects.count()
    call_command("seed_volume", "--concerns", "300", "--years", "2")
    assert Concern.objects.count() == before + 300
    assert ConcernUpdate.objects.filter(kind="received").count() == before + 300
    references = list(Concern.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    # The app keeps numbering after the bulk rows.
    from concerns.references import next_reference

    year = Concern.objects.latest("date_received").date_received.year
    last = max(int(r.split("-")[2]) for r in references if r.startswith(f"CR-{year}-"))
    assert next_reference(year) == f"CR-{year}-{last + 1:04d}"
