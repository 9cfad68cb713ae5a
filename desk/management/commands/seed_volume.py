import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from concerns.volume import seed_volume
from outreach.volume import seed_activities


class Command(BaseCommand):
    help = (
        "Add N realistic concerns (and, with --activities, outreach activities) fast, "
        "spread over ten years, for benchmarks."
    )

    def add_arguments(self, parser):
        parser.add_argument("--concerns", type=int, help="How many concerns.")
        parser.add_argument(
            "--activities",
            type=int,
            help="How many outreach activities (filling the organization registry to 2,000).",
        )
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")

    def handle(self, *args, concerns, activities, years, seed, **options):
        if concerns is None and activities is None:
            raise CommandError("Give --concerns N, --activities N or both.")
        if concerns is not None and concerns < 1:
            raise CommandError("--concerns must be at least 1.")
        if activities is not None and activities < 1:
            raise CommandError("--activities must be at least 1.")
        self._quiet_audit()
        reporters = list(User.objects.filter(is_active=True, dsn__isnull=False)[:500])
        if not reporters:
            raise CommandError("No department members to report concerns: run seed_demo first.")
        if concerns:
            started = time.monotonic()
            seed_volume(
                count=concerns,
                reporters=reporters,
                years=years,
                seed=seed,
                log=self.stdout.write,
            )
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Created {concerns:,} concerns in {seconds:.1f} s.")
            )
        if activities:
            started = time.monotonic()
            seed_activities(
                count=activities,
                loggers=reporters,
                years=years,
                seed=seed,
                log=self.stdout.write,
            )
            seconds = time.monotonic() - started
            self.stdout.write(
                self.style.SUCCESS(f"Created {activities:,} activities in {seconds:.1f} s.")
            )

    def _quiet_audit(self):
        """A seeded decade is not something anyone did: with the database's superuser (as
        on a benchmark server), this connection skips the audit trail's triggers."""
        from django.db import DatabaseError, connection, transaction

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            self.stdout.write("Not a superuser: the audit trail records every seeded row.")
