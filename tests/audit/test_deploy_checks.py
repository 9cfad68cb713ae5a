"""`check --deploy` says when the audit trail is not protected as deployed (issue 21)."""

from audit.checks import audit_protection


def test_a_single_role_and_no_audit_key_are_warned_about(settings):
    settings.CRD_OWNER_DATABASE = None
    settings.CRD_AUDIT_KEY = ""
    assert [w.id for w in audit_protection()] == ["audit.W001", "audit.W002"]


def test_the_deployment_as_documented_passes(settings):
    settings.CRD_OWNER_DATABASE = {"USER": "crdesk_owner"}
    settings.CRD_AUDIT_KEY = "k" * 50
    assert audit_protection() == []
