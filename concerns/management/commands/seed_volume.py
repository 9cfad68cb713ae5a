import time

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from concerns.volume import seed_volume


class Command(BaseCommand):
    help = "Add N realistic concerns fast (COPY), spread over ten years, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--concerns", type=int, required=True, help="How many concerns.")
        parser.add_argument("--years", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1, help="Random seed (repeatable data).")

    def handle(self, *args, concerns, years, seed, **options):
        if concerns < 1:
            raise CommandError("--concerns must be at least 1.")
        reporters = list(User.objects.filter(is_active=True, dsn__isnull=False)[:500])
        if not reporters:
            raise CommandError("No department members to report concerns: run seed_demo first.")
        started = time.monotonic()
        seed_volume(
            count=concerns,
            reporters=reporters,
            years=years,
            seed=seed,
            log=self.stdout.write,
        )
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Created {concerns:,} concerns in {seconds:.1f} s."))
