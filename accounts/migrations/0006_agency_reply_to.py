from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_command_staff"),
    ]

    operations = [
        migrations.AddField(
            model_name="agency",
            name="reply_to",
            field=models.EmailField(
                blank=True,
                help_text="A mailbox someone reads, such as the community relations office's. Left empty, messages carry no reply address.",
                max_length=254,
                verbose_name="Replies to email go to",
            ),
        ),
    ]
