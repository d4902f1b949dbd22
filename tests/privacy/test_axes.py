"""django-axes' login records (the accounts lane adds axes): an erasure deletes the person's by
username and the export lists them. Until axes is in INSTALLED_APPS, the test installs it and
makes its tables itself."""

import importlib
import json

import pytest
from django.apps import apps
from django.db import connection

from privacy import export, services

AXES_MODELS = ("AccessAttempt", "AccessAttemptExpiration", "AccessLog", "AccessFailureLog")


@pytest.fixture
def axes(settings):
    if apps.is_installed("axes"):
        yield
        return
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "axes"]
    # axes writes its default settings when its conf module is first imported: again for this test
    # (the settings fixture takes them away after each).
    importlib.reload(importlib.import_module("axes.conf"))
    models = [apps.get_model("axes", name) for name in AXES_MODELS]
    with connection.schema_editor() as editor:
        for model in models:
            editor.create_model(model)
    yield
    with connection.schema_editor() as editor:
        for model in reversed(models):
            editor.delete_model(model)


def _attempts(username):
    common = {
        "username": username,
        "user_agent": "Firefox",
        "http_accept": "*/*",
        "path_info": "/accounts/login/",
    }
    apps.get_model("axes", "AccessLog").objects.create(**common)
    apps.get_model("axes", "AccessFailureLog").objects.create(**common)
    apps.get_model("axes", "AccessAttempt").objects.create(
        **common, get_data="", post_data="username=" + username, failures_since_start=1
    )


@pytest.mark.django_db(transaction=True)
def test_an_erasure_deletes_the_persons_login_records_and_no_one_elses(axes, world):
    _attempts("mentee")
    _attempts("mentor")

    services.person_erase(person=world.mentee, by=world.admin)

    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        usernames = list(apps.get_model("axes", name).objects.values_list("username", flat=True))
        assert usernames == ["mentor"], name


@pytest.mark.django_db(transaction=True)
def test_the_export_lists_the_persons_login_records(axes, world):
    _attempts("mentee")
    _attempts("mentor")

    data = json.loads("".join(export.json_chunks(world.mentee, world.mentee.user)))

    assert [row["user_agent"] for row in data["login_records"]] == ["Firefox"]
