# Duplicates (issue 22): the likely lead a door with no one to ask found, for the CRO to
# decide, the timeline lines of merging, and the column the reports' counts read.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0007_points_and_duplicates"),
    ]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="possible_duplicate_of",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="possible_duplicates",
                to="concerns.concern",
                verbose_name="possible duplicate of",
            ),
        ),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                condition=models.Q(("possible_duplicate_of__isnull", False)),
                fields=["-date_received", "-id"],
                name="concern_possible_dup_idx",
            ),
        ),
        # The reports' "counted once" reads duplicate_of from the index, as the dashboard
        # reads the other included columns (ConcernQuerySet.counted).
        migrations.RemoveIndex(model_name="concern", name="concern_recent_idx"),
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                fields=["-date_received", "-id"],
                include=("category", "area", "status", "defined_area", "duplicate_of"),
                name="concern_recent_idx",
            ),
        ),
        migrations.AlterField(
            model_name="concernupdate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("received", "Received"),
                    ("note", "Note"),
                    ("escalated", "Escalated to supervisor"),
                    ("forwarded", "Forwarded to CRO"),
                    ("recommendation", "Action recommended"),
                    ("routed", "Routed to unit"),
                    ("acknowledged", "Routing acknowledged"),
                    ("referred", "Referred"),
                    ("response", "Response recorded"),
                    ("progress", "Progress"),
                    ("assigned", "Assigned"),
                    ("resolved", "Resolved"),
                    ("reopened", "Reopened"),
                    ("imported", "Imported"),
                    ("edited", "Details changed"),
                    ("merged", "Merged"),
                    ("reported_again", "Reported again"),
                    ("possible_dup", "Possible duplicate"),
                    ("unmerged", "Merge undone"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
