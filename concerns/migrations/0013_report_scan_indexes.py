# A quarter's earlier concerns still open during it are found in the date index alone, and
# the concerns resolved in a year through an index of their own (docs/PERFORMANCE.md,
# "Report figures read from the indexes").
#
# The date index is rebuilt under a new name before the old one is dropped: building an
# index holds up writes only, while a dropped index locks the table to readers too until
# the migration ends, so the drop comes last, for an instant (docs/ARCHITECTURE.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0012_duplicates_place_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                fields=["-date_received", "-id"],
                include=(
                    "category",
                    "area",
                    "status",
                    "defined_area",
                    "duplicate_of",
                    "resolved_at",
                ),
                name="concern_recent_new_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", False)),
                fields=["resolved_at"],
                include=("duplicate_of",),
                name="concern_resolved_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="concern", name="concern_recent_idx"),
        migrations.RenameIndex(
            model_name="concern",
            new_name="concern_recent_idx",
            old_name="concern_recent_new_idx",
        ),
    ]
