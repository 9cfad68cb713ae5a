# The organizations' index carries each activity's status: whether an organization was
# contacted since a day is read from the index alone (docs/PERFORMANCE.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0006_tallies"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="outreachactivity",
            name="activity_org_idx",
        ),
        migrations.AddIndex(
            model_name="outreachactivity",
            index=models.Index(
                fields=["organization", "-date"], include=("status",), name="activity_org_idx"
            ),
        ),
    ]
