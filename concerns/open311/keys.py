"""The API keys the CRO issues and revokes; only a digest of each is kept."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from concerns.models import Open311Key
from concerns.open311.texts import (
    KEY_ALREADY_REVOKED,
    KEY_INVALID,
    KEY_MISSING,
    KEY_NAME_REQUIRED,
    KEY_NAME_TOO_LONG,
    KEY_REVOKED,
    SCOPE_NOT_ALLOWED,
    SCOPE_UNKNOWN,
)
from core.permissions import Permission, has_permission, require
from core.web import secret_digest

# --- Keys -----------------------------------------------------------------------------


def hash_key(raw: str) -> str:
    return secret_digest(raw)


@transaction.atomic
def issue_key(*, by, name: str) -> tuple[Open311Key, str]:
    """A new key for the 311 system. Returns the record and the key itself, which is not
    kept anywhere: the caller shows it once."""
    require(by, Permission.MANAGE_OPEN311_KEYS)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": KEY_NAME_REQUIRED})
    if len(name) > 120:
        raise ValidationError({"name": KEY_NAME_TOO_LONG})
    raw = secrets.token_urlsafe(32)
    record = Open311Key.objects.create(
        name=name, prefix=raw[:8], key_hash=hash_key(raw), created_by=by
    )
    return record, raw


@transaction.atomic
def set_key_scope(*, key: Open311Key, scope: str, by) -> Open311Key:
    """What a key may read. Set by an administrator: the agency scope shows residents'
    exact locations and every door, which is not the CRO's to hand out alone (issue 21)."""
    if not has_permission(by, Permission.MANAGE_ACCOUNTS):
        raise PermissionDenied(SCOPE_NOT_ALLOWED)
    if scope not in Open311Key.Scope.values:
        raise ValidationError({"scope": SCOPE_UNKNOWN})
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    key.scope = scope
    key.save(update_fields=["scope"])
    return key


@transaction.atomic
def revoke_key(*, key: Open311Key, by) -> Open311Key:
    """From now on the key is refused (403). Kept, not deleted, so the list says who had it."""
    require(by, Permission.MANAGE_OPEN311_KEYS)
    key = Open311Key.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise ValidationError(KEY_ALREADY_REVOKED)
    key.revoked_at = timezone.now()
    key.revoked_by = by
    key.save(update_fields=["revoked_at", "revoked_by"])
    return key


def authenticate(raw: str | None) -> Open311Key:
    """The active key behind what a client sent, or PermissionDenied (answered 403). A key
    that is used has its `last_used_at` moved, even if the request is then refused."""
    raw = (raw or "").strip()
    if not raw:
        raise PermissionDenied(KEY_MISSING)
    key = Open311Key.objects.filter(key_hash=hash_key(raw)).first()
    if key is None:
        raise PermissionDenied(KEY_INVALID)
    if key.revoked_at is not None:
        raise PermissionDenied(KEY_REVOKED)
    key.last_used_at = timezone.now()
    Open311Key.objects.filter(pk=key.pk).update(last_used_at=key.last_used_at)
    return key


def read_key(params) -> Open311Key | None:
    """The key a GET sent in its query string, if any: no key reads as the public; a key
    sent must be a good one (403 otherwise), never quietly read as no key."""
    if "api_key" not in params:
        return None
    return authenticate(params.get("api_key"))
