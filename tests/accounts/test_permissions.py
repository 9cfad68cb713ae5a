import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from core.permissions import Permission, has_permission, require
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_holds_no_permission():
    assert not has_permission(AnonymousUser(), Permission.VIEW_HOME)


def test_inactive_user_holds_no_permission(officer):
    officer.is_active = False
    assert not has_permission(officer, Permission.VIEW_HOME)


def test_superuser_without_role_cannot_edit_agency():
    root = UserFactory(is_superuser=True, is_staff=True)
    assert has_permission(root, Permission.MANAGE_ACCOUNTS)
    assert not has_permission(root, Permission.EDIT_AGENCY)


def test_require_raises_for_missing_permission(officer, cro):
    with pytest.raises(PermissionDenied):
        require(officer, Permission.EDIT_AGENCY)
    require(cro, Permission.EDIT_AGENCY)
