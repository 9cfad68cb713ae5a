"""Concern references, CR-<year of receipt>-<number>: the one allocator.

Numbers are kept per year in `ReferenceCounter` and handed out by one statement, an
`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`, safe under concurrent intakes: every door
(an officer's intake, the public form, the city's 311 system, a spreadsheet import, the
benchmark's bulk seeder) takes its numbers here. A police case number is never used.
"""

import re

from django.db import connection

REFERENCE = re.compile(r"^CR-(\d{4})-(\d{1,7})$")


def format_reference(year: int, number: int) -> str:
    return f"CR-{year}-{number:04d}"


def allocate(year: int, count: int = 1) -> list[str]:
    """`count` new references of the year, in order. The counter's row is locked only for
    this one statement (callers take their numbers before the transaction that saves)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO concerns_referencecounter (year, last) VALUES (%s, %s) "
            "ON CONFLICT (year) DO UPDATE "
            "SET last = concerns_referencecounter.last + EXCLUDED.last RETURNING last",
            [year, count],
        )
        (last,) = cursor.fetchone()
    return [format_reference(year, n) for n in range(last - count + 1, last + 1)]


def next_reference(year: int) -> str:
    return allocate(year)[0]


def keep_ahead(highest: dict[int, int]) -> None:
    """References that came with their numbers (an import, a bulk load) keep them; the
    counter moves past the highest of each year so a new one never reuses a number."""
    with connection.cursor() as cursor:
        for year, number in highest.items():
            cursor.execute(
                "INSERT INTO concerns_referencecounter (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE "
                "SET last = GREATEST(concerns_referencecounter.last, EXCLUDED.last)",
                [year, number],
            )


def highest_numbers(references) -> dict[int, int]:
    """The highest number of each year among the references."""
    highest: dict[int, int] = {}
    for reference in references:
        match = REFERENCE.match(reference)
        year, number = int(match[1]), int(match[2])
        highest[year] = max(highest.get(year, 0), number)
    return highest
