"""Seal the audit trail's new events, then check every seal (audit/chain.py).

    manage.py verify_audit                  # exit status 1 when anything is wrong
    manage.py verify_audit --expect-head 41200:3f9a...   # the head a previous run printed

Each run is recorded for administrators (/audit/integrity/) and its head (position and
digest of the last seal) written to the log, where it lives outside the database: give
the last logged head back with --expect-head to catch seals cut from the chain's end
together with the check records. /healthz starts a run each day.
"""

import logging
import time

from django.core.management.base import BaseCommand, CommandError

from audit import chain

logger = logging.getLogger("audit.chain")


class Command(BaseCommand):
    help = "Seal new audit events and verify the whole chain; exit 1 on any problem."

    def add_arguments(self, parser):
        parser.add_argument("--expect-head", default="", help="position:digest of a past run")

    def handle(self, *args, expect_head, **options):
        started = time.monotonic()
        previous = chain.last_check()
        head = expect_head or (previous.head if previous else "")
        report = chain.verify(expected_head=head)
        check = chain.record_check(report, time.monotonic() - started)
        logger.info(
            "audit chain %s: %d events, %d newly sealed, head %s",
            "intact" if report.intact else "BROKEN",
            report.events,
            report.sealed_now,
            report.head or "(empty)",
        )
        self.stdout.write(
            f"{report.events} events checked, {report.sealed_now} newly sealed, "
            f"in {check.seconds:.1f} s. Head: {report.head or '(no seals yet)'}"
        )
        if report.intact:
            self.stdout.write(self.style.SUCCESS("The audit trail is intact."))
            return
        for problem in check.problems:
            self.stdout.write(f"- {problem}")
        raise CommandError(f"The audit trail has {len(report.problems) + report.more} problems.")
