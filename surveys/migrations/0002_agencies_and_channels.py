# Outside agencies' invitations (001 IV.D.3) and survey channels (004 §2): agency and head
# on the invitation, the agency on its response, paper batches, social-media links, and a
# wider channel field.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import surveys.models

AGENCY_TYPES = [
    ("fire", "Fire department"),
    ("ems", "Emergency medical services"),
    ("public_works", "Highway or public works"),
    ("school", "School or college"),
    ("town", "Town or city administration"),
    ("law", "Other law enforcement"),
    ("social", "Social or human services"),
    ("business", "Business association"),
    ("other", "Other agency or organization"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="invitation",
            options={
                "ordering": ["agency_name", "id"],
                "verbose_name": "invitation",
                "verbose_name_plural": "invitations",
            },
        ),
        migrations.AddField(
            model_name="invitation",
            name="agency_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="agency"),
        ),
        migrations.AddField(
            model_name="invitation",
            name="agency_type",
            field=models.CharField(
                blank=True, choices=AGENCY_TYPES, max_length=12, verbose_name="kind of agency"
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="head_name",
            field=models.CharField(
                blank=True, max_length=150, verbose_name="name of the agency head"
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="head_email",
            field=models.EmailField(
                blank=True, max_length=254, verbose_name="email of the agency head"
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("es", "Español")],
                default="en",
                max_length=2,
                verbose_name="language of the email",
            ),
        ),
        migrations.AddField(
            model_name="invitation",
            name="sent_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sent at"),
        ),
        migrations.AddField(
            model_name="response",
            name="agency_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="agency"),
        ),
        migrations.AddField(
            model_name="response",
            name="agency_type",
            field=models.CharField(
                blank=True, choices=AGENCY_TYPES, max_length=12, verbose_name="kind of agency"
            ),
        ),
        migrations.AlterField(
            model_name="response",
            name="channel",
            field=models.CharField(
                choices=[
                    ("web", "Web link"),
                    ("forum", "Forum sheet"),
                    ("paper", "Paper, entered by staff"),
                    ("social", "Social media link"),
                    ("agency", "Agency invitation"),
                ],
                max_length=12,
                verbose_name="channel",
            ),
        ),
        migrations.CreateModel(
            name="PaperBatch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "label",
                    models.CharField(
                        help_text="e.g. Water bill, March 2026",
                        max_length=150,
                        verbose_name="batch",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("water_bill", "Water bill"),
                            ("forum", "Forum"),
                            ("other", "Other"),
                        ],
                        max_length=10,
                        verbose_name="source",
                    ),
                ),
                ("received_on", models.DateField(verbose_name="received on")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="created by",
                    ),
                ),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="paper_batches",
                        to="surveys.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "paper batch",
                "verbose_name_plural": "paper batches",
                "ordering": ["-received_on", "-id"],
            },
        ),
        migrations.AddField(
            model_name="response",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="surveys.paperbatch",
                verbose_name="paper batch",
            ),
        ),
        migrations.CreateModel(
            name="SocialLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="e.g. Facebook and Instagram post, October",
                        max_length=150,
                        verbose_name="where it is posted",
                    ),
                ),
                (
                    "slug",
                    models.SlugField(
                        default=surveys.models.new_slug,
                        max_length=16,
                        unique=True,
                        verbose_name="slug",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "survey",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="social_links",
                        to="surveys.survey",
                        verbose_name="survey",
                    ),
                ),
            ],
            options={
                "verbose_name": "social media link",
                "verbose_name_plural": "social media links",
                "ordering": ["created_at", "id"],
            },
        ),
    ]
