import pytest
from django.core.management import CommandError, call_command

from accounts.demo import DEMO_PASSWORD, DEMO_USERS
from accounts.models import Agency, User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_creates_nothing_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Agency.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Agency.objects.count()) == counts
    assert counts == (len(DEMO_USERS) + 1, 1)


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
