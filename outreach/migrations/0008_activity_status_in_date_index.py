# A report's counts of held activities by kind and month read the date index alone
# (docs/PERFORMANCE.md, "Report figures read from the indexes").

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0007_organization_contact_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="outreachactivity", name="activity_recent_idx"),
        migrations.AddIndex(
            model_name="outreachactivity",
            index=models.Index(
                fields=["-date", "-id"],
                include=("kind", "attendance", "status"),
                name="activity_recent_idx",
            ),
        ),
    ]
