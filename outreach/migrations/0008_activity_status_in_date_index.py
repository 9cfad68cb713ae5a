# A report's counts of held activities by kind and month read the date index alone
# (docs/PERFORMANCE.md, "Report figures read from the indexes"). Rebuilt under a new name
# before the old index is dropped, as concerns/0013 does: the drop, which locks the table
# to readers until the migration ends, comes last, for an instant.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0007_organization_contact_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="outreachactivity",
            index=models.Index(
                fields=["-date", "-id"],
                include=("kind", "attendance", "status"),
                name="activity_recent_new_idx",
            ),
        ),
        migrations.RemoveIndex(model_name="outreachactivity", name="activity_recent_idx"),
        migrations.RenameIndex(
            model_name="outreachactivity",
            new_name="activity_recent_idx",
            old_name="activity_recent_new_idx",
        ),
    ]
