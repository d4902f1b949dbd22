"""Programmes that existed before training get the default modules (new ones get them on creation,
training.receivers). Modules of the same title already there are left alone."""

from django.db import migrations


def install(apps, schema_editor):
    from training import defaults

    Programme = apps.get_model("programmes", "Programme")
    TrainingModule = apps.get_model("training", "TrainingModule")
    TrainingModule.objects.bulk_create(
        [
            TrainingModule(
                programme_id=programme_id,
                position=position,
                title=module["title"],
                audience=module["audience"],
                summary=module["summary"],
                body=module["body"],
                links=module["links"],
                checklist=module["checklist"],
                questions=module["questions"],
            )
            for programme_id in Programme.objects.values_list("pk", flat=True)
            for position, module in enumerate(defaults.MODULES, start=1)
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("programmes", "0007_cohort_chat_webhook_url"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
