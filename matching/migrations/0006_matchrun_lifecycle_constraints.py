"""MatchRun's state moves out of sentinel values (step 3 of 3): the progress field goes, and the
lifecycle's rules become constraints."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0005_matchrun_from_sentinels"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="matchrun",
            name="progress",
        ),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "failed"), _negated=True),
                    models.Q(("error", ""), _negated=True),
                    _connector="OR",
                ),
                name="matchrun_failed_has_error",
            ),
        ),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["queued", "running"]), _negated=True),
                    ("lease_expires_at__isnull", False),
                    _connector="OR",
                ),
                name="matchrun_in_progress_has_lease",
            ),
        ),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "running"), _negated=True),
                    ("started_at__isnull", False),
                    _connector="OR",
                ),
                name="matchrun_running_has_start",
            ),
        ),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ["queued", "running"])),
                fields=("cohort",),
                name="matchrun_one_in_progress_per_cohort",
            ),
        ),
        migrations.AddConstraint(
            model_name="matchrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "choice")),
                fields=("cohort",),
                name="matchrun_one_choice_run_per_cohort",
            ),
        ),
    ]
