"""`manage.py check_tallies [--repair]`: every tally the database keeps (core/tallies.py)
against a full recount of its table. Reads each table once (seconds at a million concerns);
for IT after a manual repair of the data, and for the curious."""

from django.core.management.base import BaseCommand, CommandError

from core import tallies


class Command(BaseCommand):
    help = "Compare every tally with a full recount of its table (--repair recounts it)."

    def add_arguments(self, parser):
        parser.add_argument("--repair", action="store_true", help="recount the tallies that differ")

    def handle(self, *args, repair: bool = False, **options):
        wrong = []
        for tally in tallies.REGISTRY:
            found = tallies.differences(tally.table)
            if not found:
                self.stdout.write(f"{tally.table}: exact")
                continue
            wrong.append(tally.table)
            self.stdout.write(f"{tally.table}: {len(found)} keys differ from a recount")
            for row in found[:5]:
                *key, kept, recounted = row
                self.stdout.write(f"  {tuple(key)}: kept {kept}, recounted {recounted}")
            if repair:
                tallies.rebuild(tally.table)
                self.stdout.write(f"{tally.table}: recounted")
        if wrong and not repair:
            raise CommandError(f"{len(wrong)} tallies differ from their tables: run with --repair.")
