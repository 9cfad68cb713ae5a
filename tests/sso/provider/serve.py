"""Starts the test directory: `python -m tests.sso.provider.serve PORT`, with DIRECTORY_*
variables naming its database, key, client and setup token (tests/sso/conftest.py)."""

import os
import sys

import django


def main() -> None:
    port = int(sys.argv[1])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.sso.provider.settings"
    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIServer, run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", run_syncdb=True, verbosity=0)
    Application.objects.update_or_create(
        client_id=os.environ["DIRECTORY_CLIENT_ID"],
        defaults={
            "name": "Community Relations Desk",
            "client_secret": os.environ["DIRECTORY_CLIENT_SECRET"],
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "redirect_uris": os.environ["DIRECTORY_REDIRECT_URIS"],
            "algorithm": Application.RS256_ALGORITHM,
            "skip_authorization": True,
        },
    )
    run("127.0.0.1", port, get_wsgi_application(), threading=True, server_cls=WSGIServer)


if __name__ == "__main__":
    main()
