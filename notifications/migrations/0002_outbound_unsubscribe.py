from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="unsubscribe_url",
            field=models.URLField(blank=True, max_length=500, verbose_name="stop link"),
        ),
    ]
