import time

from django.core.management.base import BaseCommand

from notifications.reminders import sweep


class Command(BaseCommand):
    help = (
        "Send reminders for what nobody did in time (routings not acknowledged, referrals "
        "and reports overdue, events missing waivers), the daily digests, and retry failed "
        "email. Safe to run as often as wanted: each reminder goes out once. Run it hourly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS (used by `make run`).",
        )

    def handle(self, *args, every=0, **options):
        while True:
            counts = sweep()
            if counts is None:
                self.stdout.write("Another sweep is running; nothing done.")
            elif options["verbosity"] > 0:
                self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
            if not every:
                return
            time.sleep(every)
