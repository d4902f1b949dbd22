"""Programmes that existed before the library get the starter resources new programmes get on
creation (library.services.programme_created)."""

from django.db import migrations

from library.defaults import STARTER_RESOURCES


def add_starters(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    Resource = apps.get_model("library", "Resource")
    stocked = set(Resource.objects.values_list("programme_id", flat=True).distinct())
    Resource.objects.bulk_create(
        Resource(programme_id=pk, topic=topic, title=title, url=url, note=note, audience=audience)
        for pk in Programme.objects.exclude(pk__in=stocked).values_list("pk", flat=True)
        for topic, title, url, note, audience in STARTER_RESOURCES
    )


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_starters, migrations.RunPython.noop)]
