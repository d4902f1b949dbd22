"""MatchRun's state moves out of sentinel values (step 1 of 3): a status of its own (queued,
running, ...), timestamps, a lease and an error field. The rows are converted in 0005 and the old
progress field and the new rules land in 0006: PostgreSQL cannot alter a table in the transaction
that has just updated its rows."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0003_matching_engine"),
        ("programmes", "0004_matching_engine"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="matchrun",
            name="error",
            field=models.TextField(blank=True, verbose_name="error"),
        ),
        migrations.AddField(
            model_name="matchrun",
            name="finished_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="finished"),
        ),
        migrations.AddField(
            model_name="matchrun",
            name="kind",
            field=models.CharField(
                choices=[("matcher", "Match run"), ("choice", "Mentee choice"), ("single", "Single pair")],
                default="matcher",
                max_length=10,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="matchrun",
            name="lease_expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="lease expires"),
        ),
        migrations.AddField(
            model_name="matchrun",
            name="notified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="people notified"),
        ),
        migrations.AddField(
            model_name="matchrun",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="started"),
        ),
        migrations.AlterField(
            model_name="matchrun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("proposed", "Proposed"),
                    ("published", "Published"),
                    ("superseded", "Superseded"),
                    ("failed", "Failed"),
                ],
                default="proposed",
                max_length=12,
                verbose_name="status",
            ),
        ),
    ]
