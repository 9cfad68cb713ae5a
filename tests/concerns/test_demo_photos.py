"""The demo's photos go through the officer's upload path: re-encoded, with thumbnails, once."""

import pytest

from concerns import demo_photos
from concerns.models import Attachment
from core.roles import Role
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_few_demo_concerns_get_a_drawn_photo_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    officer = UserFactory(roles=[Role.OFFICER])
    ConcernFactory(reported_by=officer, category="quality_of_life")
    ConcernFactory(reported_by=officer, category="parking")
    assert demo_photos.seed() == {"photos": 2}  # no street-light lead in this database
    assert demo_photos.seed() == {"photos": 0}
    for photo in Attachment.objects.all():
        assert photo.kind == "photo" and photo.thumbnail and photo.width == 1200
        assert photo.added_by == officer
