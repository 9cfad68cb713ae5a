# The possible duplicates of a concern are read through the category and area together
# (concerns/duplicates.py, docs/PERFORMANCE.md).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("concerns", "0011_update_moment_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="concern",
            index=models.Index(
                fields=["category", "defined_area", "-date_received"],
                name="concern_category_area_idx",
            ),
        ),
    ]
