"""django-axes' login records: an erasure deletes the person's by username, the export lists them,
and the nightly retention removes records older than LOGIN_RECORDS_DAYS."""

import datetime
import json

from django.apps import apps
from django.utils import timezone

from privacy import export, retention, services


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


def test_an_erasure_deletes_the_persons_login_records_and_no_one_elses(world):
    _attempts("mentee")
    _attempts("mentor")

    services.person_erase(person=world.mentee, by=world.admin)

    for name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
        usernames = list(apps.get_model("axes", name).objects.values_list("username", flat=True))
        assert usernames == ["mentor"], name


def test_the_export_lists_the_persons_login_records(world):
    _attempts("mentee")
    _attempts("mentor")

    data = json.loads("".join(export.json_chunks(world.mentee, world.mentee.user)))

    assert [row["user_agent"] for row in data["login_records"]] == ["Firefox"]


def test_retention_removes_login_records_older_than_their_period(world, settings):
    settings.LOGIN_RECORDS_DAYS = 90
    _attempts("mentee")
    _attempts("mentor")
    now = timezone.now()
    for name in ("AccessLog", "AccessFailureLog"):
        model = apps.get_model("axes", name)
        model.objects.filter(username="mentor").update(attempt_time=now - datetime.timedelta(days=91))
        model.objects.filter(username="mentee").update(attempt_time=now - datetime.timedelta(days=89))

    removed = retention.login_records_remove(now=now)

    assert removed == 2
    for name in ("AccessLog", "AccessFailureLog"):
        assert list(apps.get_model("axes", name).objects.values_list("username", flat=True)) == ["mentee"]
    settings.LOGIN_RECORDS_DAYS = 0
    assert retention.login_records_remove(now=now + datetime.timedelta(days=400)) == 0
