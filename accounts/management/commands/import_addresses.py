"""Load the city's address points (CSV or GeoJSON) into the agency's address list."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.addresses import load
from accounts.models import AddressPoint


class Command(BaseCommand):
    help = (
        "Add or replace address points from a CSV file (address, latitude, longitude "
        "columns) or a GeoJSON FeatureCollection of points with an address property. "
        "Run it again when the city publishes a new file: listed addresses take the new point."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--format",
            choices=["csv", "geojson"],
            help="Read as this format (by default, from the file name's ending).",
        )

    def handle(self, *args, file: Path, format=None, **options):  # noqa: A002 - the option's name
        kind = format or ("csv" if file.suffix.lower() == ".csv" else "geojson")
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                loaded = load(handle, kind=kind)
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: the file is not UTF-8 text.") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        for message in loaded.errors:
            self.stderr.write(message)
        if loaded.more_errors:
            self.stderr.write(f"... and {loaded.more_errors} more lines with errors.")
        self.stdout.write(
            f"{loaded.rows} addresses loaded; {AddressPoint.objects.count()} on the list."
        )
