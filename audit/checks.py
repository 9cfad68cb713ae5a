"""`manage.py check --deploy`: is the audit trail protected as docs/DEPLOYMENT.md sets up?

Without a migration role the application's own role owns the tables and could lift every
guard on the trail; without CRD_AUDIT_KEY the seals' key is derived from the secret key,
so rotating that breaks the chain unless the old one is kept in CRD_AUDIT_OLD_KEYS.
"""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=True)
def audit_protection(app_configs=None, **kwargs):
    found = []
    if not settings.CRD_OWNER_DATABASE:
        found.append(
            CheckWarning(
                "DATABASE_MIGRATION_URL is not set: the application runs as the owner of its "
                "tables and could empty or rewrite the audit trail.",
                hint="Create the two roles with `manage.py setup_db_roles` and point "
                "DATABASE_MIGRATION_URL at the owner (docs/DEPLOYMENT.md, step 2).",
                id="audit.W001",
            )
        )
    if not settings.CRD_AUDIT_KEY:
        found.append(
            CheckWarning(
                "CRD_AUDIT_KEY is not set: the audit trail is sealed with a key derived from "
                "DJANGO_SECRET_KEY.",
                hint="Set CRD_AUDIT_KEY to a long random value kept apart from the database "
                "and its backups (docs/SECURITY.md).",
                id="audit.W002",
            )
        )
    return found
