from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from notifications.notify import quiet

# Each app with demo data has a `demo.seed()`; they run in this order (later ones
# refer to records the earlier ones made). Every seeder is idempotent.
SEEDERS = [
    "accounts.demo",
    "outreach.demo",
    "outreach.demo_input",
    "outreach.demo_command_staff",
    "programs.demo",
    "concerns.demo",
    "concerns.demo_organizations",
    "concerns.demo_duplicates",
    "concerns.demo_photos",
    "surveys.demo",
    "reports.demo",
    "desk.demo_integration",
]
# Replaying the demo's history notifies nobody; this one then gives each demo user a few
# recent notifications, as if they had been away for a day.
NOTIFICATIONS = "desk.demo_notifications"

REFUSED = (
    "seed_demo creates accounts whose password is published in the README, so it runs only "
    "with DJANGO_DEBUG=true. Create real accounts with `manage.py createsuperuser` and the "
    "admin site instead."
)


class Command(BaseCommand):
    help = "Load fictional demo data: the agency, one user per role, and each app's records."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(REFUSED)
        with transaction.atomic():
            with quiet():
                for dotted in SEEDERS:
                    self._run(dotted)
            self._run(NOTIFICATIONS)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))

    def _run(self, dotted: str) -> None:
        counts = import_module(dotted).seed(stdout=self.stdout)
        summary = ", ".join(f"{n} {what}" for what, n in counts.items())
        self.stdout.write(f"{dotted}: created {summary}")
