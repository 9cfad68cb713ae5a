"""Every concern gets a random public id, the only id the public 311 answers give (issue 21).

One statement for the existing rows: PostgreSQL evaluates the volatile default once per row
while it rewrites the table (ADD COLUMN ... DEFAULT gen_random_uuid() NOT NULL UNIQUE), so a
million rows take one pass and one index build, with no Python loop and no batch left half
done."""

import django.contrib.postgres.functions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0002_concern_summary"),
    ]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="public_id",
            field=models.UUIDField(
                db_default=django.contrib.postgres.functions.RandomUUID(),
                editable=False,
                unique=True,
                verbose_name="public id",
            ),
        ),
    ]
