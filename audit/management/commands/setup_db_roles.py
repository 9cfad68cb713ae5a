"""Create the owner and application database roles and give each its rights.

    manage.py setup_db_roles --owner crdesk_owner --app crdesk

Run it once, as a role that may create roles (the server's `postgres`, or the current
owner of the database with CREATEROLE), through --admin-url or the default connection.
Passwords come from CRD_OWNER_DB_PASSWORD and CRD_APP_DB_PASSWORD when set, never from
the command line. Then point DATABASE_URL at the application role and
DATABASE_MIGRATION_URL at the owner (docs/DEPLOYMENT.md). Running it again changes
nothing that is already right.
"""

import os

import environ
import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.roles import setup_roles


class Command(BaseCommand):
    help = "Create the owner and application roles, hand every object to the owner, grant."

    def add_arguments(self, parser):
        parser.add_argument("--owner", required=True, help="the role that owns the tables")
        parser.add_argument("--app", required=True, help="the role the application runs as")
        parser.add_argument(
            "--database", default="", help="the database (default: the configured one)"
        )
        parser.add_argument(
            "--admin-url",
            default="",
            help="postgres://... of a role that may create roles (default: the configured "
            "connection)",
        )

    def handle(self, *args, owner, app, database, admin_url, **options):
        database = database or connection.settings_dict["NAME"]
        passwords = {
            "owner_password": os.environ.get("CRD_OWNER_DB_PASSWORD") or None,
            "app_password": os.environ.get("CRD_APP_DB_PASSWORD") or None,
        }
        try:
            if admin_url:
                params = environ.Env.db_url_config(admin_url)
                with psycopg.connect(
                    dbname=database,
                    user=params.get("USER") or None,
                    password=params.get("PASSWORD") or None,
                    host=params.get("HOST") or None,
                    port=params.get("PORT") or None,
                    autocommit=False,
                ) as conn:
                    with conn.cursor() as cursor:
                        done = setup_roles(
                            cursor, owner=owner, app=app, database=database, **passwords
                        )
                    conn.commit()
            else:
                with connection.cursor() as cursor:
                    done = setup_roles(cursor, owner=owner, app=app, database=database, **passwords)
        except (ValueError, psycopg.Error) as error:
            raise CommandError(f"Could not set up the roles: {error}") from error
        except Exception as error:  # django's DatabaseError wraps psycopg's
            if error.__class__.__module__.startswith("django.db"):
                raise CommandError(f"Could not set up the roles: {error}") from error
            raise
        for line in done:
            self.stdout.write(f"- {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Done. DATABASE_URL connects as {app}; DATABASE_MIGRATION_URL as {owner}."
            )
        )
