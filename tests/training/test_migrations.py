"""Programmes that existed before training get the default modules from the data migration."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from training import defaults
from training.models import TrainingModule

BEFORE_THE_DEFAULTS = [("training", "0001_initial")]


def _migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_programmes_get_the_defaults_once_and_keep_their_own_modules():
    executor = MigrationExecutor(connection)
    try:
        state = executor.migrate(BEFORE_THE_DEFAULTS)
        Programme = state.apps.get_model("programmes", "Programme")
        Module = state.apps.get_model("training", "TrainingModule")
        bare = Programme.objects.create(name="Onboarding")
        own = Programme.objects.create(name="Tier 2")
        Module.objects.create(
            programme=own, title="Active listening", summary="Ours", body="Our own text", position=1
        )
    finally:
        _migrate_to_latest()

    titles = [m["title"] for m in defaults.MODULES]
    added = TrainingModule.objects.filter(programme_id=bare.pk).order_by("position")
    assert list(added.values_list("title", flat=True)) == titles
    assert TrainingModule.objects.filter(programme_id=own.pk).count() == len(titles)
    assert TrainingModule.objects.get(programme_id=own.pk, title="Active listening").summary == "Ours"
