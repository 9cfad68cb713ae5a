from django.db import migrations, models


def shown_before_scales(apps, schema_editor):
    """Every rating asked before each question had its own scale was shown to residents as
    "1 = very poor, 5 = excellent": its results keep that scale."""
    Question = apps.get_model("surveys", "Question")
    Question.objects.filter(kind="rating").update(scale="performance")


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_agencies_and_channels"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="scale",
            field=models.CharField(blank=True, editable=False, max_length=16),
        ),
        migrations.RunPython(shown_before_scales, migrations.RunPython.noop),
    ]
