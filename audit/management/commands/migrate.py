"""`migrate`, run as the database's owner when DATABASE_MIGRATION_URL names one.

The application's own role owns nothing (audit/roles.py), so it could not create a table.
This command lends the owner's credentials to the connection for the run, and afterwards
grants the application its rights on whatever the migrations created.
"""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

from audit.roles import as_owner, grant_app_rights


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        using = options["database"]
        with as_owner(using) as app:
            super().handle(*args, **options)
            if app:
                with connections[using].cursor() as cursor:
                    grant_app_rights(cursor, app)
