"""The migration that gives existing concerns a public id (issue 21): every row gets its own
random id in the one statement that adds the column, and a key made before scopes existed
reads as the public."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core import tallies

BEFORE = [("concerns", "0002_concern_summary")]


@pytest.mark.django_db(transaction=True)
def test_existing_concerns_each_get_a_random_public_id():
    executor = MigrationExecutor(connection)
    after = executor.loader.graph.leaf_nodes("concerns")
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Concern = old.get_model("concerns", "Concern")
        Concern.objects.bulk_create(
            Concern(
                reference=f"CR-2020-{n:04d}",
                date_received=dt.date(2020, 1, 1),
                source_type="citizen",
                category="noise",
                area="Elm Street",
                summary="Noise",
                description="Noise.",
            )
            for n in range(1, 51)
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        # As `migrate` does after it: the tallies' triggers, dropped on the way back.
        tallies.install()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(public_id), count(DISTINCT public_id) FROM concerns_concern"
        )
        assert cursor.fetchone() == (50, 50, 50)
        # Version 4: random, nothing derived from the reference or the order.
        cursor.execute(
            "SELECT count(*) FROM concerns_concern WHERE substr(public_id::text, 15, 1) = '4'"
        )
        assert cursor.fetchone() == (50,)
