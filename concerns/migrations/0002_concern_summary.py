"""Every concern says what it is about in one line. Rows that predate the field take the
first sentence of their description, by the same rule as concerns/summaries.py, in one
statement."""

from django.db import migrations, models

from concerns.summaries import FIRST_SENTENCE_SQL, SENTENCE_SQL, SUMMARY_MAX

# Built from constants of concerns/summaries.py; nothing in it comes from input.
FILL = "".join(
    [
        "UPDATE concerns_concern c SET summary = ",
        FIRST_SENTENCE_SQL.format(limit=SUMMARY_MAX),
        " FROM (SELECT id, ",
        SENTENCE_SQL.format(column="description"),
        " AS sentence FROM concerns_concern) s WHERE s.id = c.id AND c.summary = ''",
    ]
)


class Migration(migrations.Migration):
    dependencies = [("concerns", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="concern",
            name="summary",
            field=models.CharField(
                default="",
                help_text="What it is about, in one line. Shown in lists and reports.",
                max_length=SUMMARY_MAX,
                verbose_name="summary",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
