from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app with demo data has a `demo.seed()`; they run in this order (later ones
# refer to records the earlier ones made). Every seeder is idempotent.
SEEDERS = [
    "accounts.demo",
    "concerns.demo",
    "outreach.demo",
    "programs.demo",
    "surveys.demo",
    "reports.demo",
]

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
            for dotted in SEEDERS:
                counts = import_module(dotted).seed(stdout=self.stdout)
                summary = ", ".join(f"{n} {what}" for what, n in counts.items())
                self.stdout.write(f"{dotted}: created {summary}")
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
