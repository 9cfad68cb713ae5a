# The sign-in events of issue 21: a password accepted while a second factor is due, a
# refused second-factor code, and failed sign-ins reset (by a command, the admin or a shell).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_seals_and_checks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("insert", "Created"),
                    ("update", "Changed"),
                    ("delete", "Deleted"),
                    ("login", "Signed in"),
                    ("login_pending", "Password accepted, second factor due"),
                    ("mfa_failed", "Second-factor code refused"),
                    ("lock_reset", "Failed sign-ins reset"),
                    ("login_failed", "Sign-in failed"),
                    ("lockout", "Account locked"),
                    ("unlock", "Account unlocked"),
                    ("logout", "Signed out"),
                    ("password", "Password changed"),
                    ("mfa", "Second factor changed"),
                    ("export", "Exported"),
                    ("source_viewed", "Viewed source details"),
                    ("archived", "Older entries archived"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
