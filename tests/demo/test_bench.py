"""bench (demo/management/commands/bench.py): the parts that run in this process."""

import pytest

from demo.management.commands.bench import collected_static

pytestmark = pytest.mark.django_db

MANIFEST_STORAGE = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


@pytest.fixture
def production_static(settings, tmp_path):
    """Static files as `make bench` has them: DEBUG off (the manifest storage), nothing collected."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    settings.STATIC_ROOT = tmp_path / "static"


def test_in_process_timings_render_pages_with_the_static_files_collected(production_static, world, client):
    """The dashboard timings run in this process after seeding into an empty folder: without the
    collected manifest every {% static %} fails, and so did the bench."""
    client.force_login(world.admin)
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        client.get("/dashboard/")

    with collected_static():
        assert client.get("/dashboard/").status_code == 200
