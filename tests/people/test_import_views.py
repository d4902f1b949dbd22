"""The import pages: upload → preview → apply, inline for small files and by Celery for large ones."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from people import services
from people.models import ImportJob, Person
from tests.conftest import login
from tests.people.helpers import csv_text, generated_rows, upload

GOOD = csv_text(
    "E2,Bo Report,bo@example.com,Tier 9,E1,2024-03-01,",
    "E1,Ada Lead,ada@example.com,Tier 9,,2019-01-01,",
)


def preview(client, text, name="people.csv"):
    return client.post(reverse("people:import"), {"file": upload(text, name=name)})


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_reach_the_people_pages(client, world, username):
    job = ImportJob.objects.create(created_by=world.admin, filename="x.csv", source=GOOD, total_rows=2)
    login(client, User.objects.get(username=username))
    for target in [
        reverse("people:person-list"),
        reverse("people:import"),
        reverse("people:import-job", args=[job.pk]),
        reverse("people:import-job-status", args=[job.pk]),
    ]:
        assert client.get(target).status_code == 403, target
    assert client.post(reverse("people:import"), {"file": upload(GOOD)}).status_code == 403
    assert client.post(reverse("people:import-apply", args=[job.pk])).status_code == 403
    assert client.post(reverse("people:import-restart", args=[job.pk])).status_code == 403
    assert client.post(reverse("people:person-bulk"), {"action": "export"}).status_code == 403
    assert not Person.objects.filter(employee_id="E1").exists()


def test_preview_shows_what_will_happen_and_saves_no_one(client, world):
    login(client, world.admin)
    response = preview(client, GOOD)
    assert response.status_code == 200
    assert "2</strong> to create" in response.text
    assert "Apply the import" in response.text
    assert not Person.objects.filter(employee_id__in=["E1", "E2"]).exists()
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEWED


def test_preview_lists_row_errors_and_offers_no_apply(client, world):
    login(client, world.admin)
    response = preview(
        client, csv_text("E1,=HYPERLINK(1),ada@example.com,,,2024-03-01,", "E2,Bo,nope,,E404,2024-03-01,")
    )
    assert response.status_code == 200
    assert "looks like a spreadsheet formula" in response.text
    assert "is not a valid email address" in response.text
    assert "Apply the import" not in response.text
    assert not ImportJob.objects.exists() and not Person.objects.filter(employee_id="E1").exists()


def test_preview_counts_in_words_that_agree_with_the_number(client, world):
    login(client, world.admin)
    response = preview(client, csv_text("E1,Ada,nope,,,2024-03-01,"))
    assert "<strong>1</strong> error" in response.text and "1</strong> errors" not in response.text
    one_good = preview(client, csv_text("E1,Ada Lead,ada@example.com,Tier 9,,2019-01-01,"))
    assert "The one row passed the checks." in one_good.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"employee_id,name\nE1,Ada\n", "Missing: email, team, hire_date"),
        (csv_text("E1,Zoë,zoe@example.com,,,2024-03-01,").encode("cp1252"), "CSV UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
        (b"", "The submitted file is empty"),
    ],
)
def test_a_hostile_file_gets_a_message_not_a_500(client, world, data, message):
    login(client, world.admin)
    response = preview(client, data)
    assert response.status_code == 200
    assert message in response.text
    assert not ImportJob.objects.exists()


def test_a_50_mb_upload_is_refused_with_the_limit(client, world):
    login(client, world.admin)
    big = SimpleUploadedFile("huge.csv", b"a,b\n" * (50 * 1024 * 1024 // 4), content_type="text/csv")
    response = client.post(reverse("people:import"), {"file": big})
    assert response.status_code == 200
    assert "the limit is 10 MB" in response.text
    assert not ImportJob.objects.exists()


def test_apply_imports_a_small_file_inline_and_is_safe_to_click_twice(client, world):
    login(client, world.admin)
    preview(client, GOOD)
    job = ImportJob.objects.get()
    response = client.post(reverse("people:import-apply", args=[job.pk]), follow=True)
    assert "Import applied: 2 created, 0 updated, 0 unchanged." in response.text
    assert Person.objects.get(employee_id="E2").manager == Person.objects.get(employee_id="E1")
    job.refresh_from_db()
    assert (job.status, job.created_count, job.source) == (ImportJob.Status.DONE, 2, "")
    again = client.post(reverse("people:import-apply", args=[job.pk]))
    assert again.url == reverse("people:import-job", args=[job.pk])
    assert Person.objects.filter(employee_id__in=["E1", "E2"]).count() == 2


def test_apply_checks_again_and_saves_nothing_when_the_database_changed(client, world):
    lead = Person.objects.create(employee_id="M1", full_name="Lead", hire_date="2019-01-01")
    login(client, world.admin)
    preview(client, csv_text("E2,Bo,bo@example.com,New Team,M1,2024-03-01,"))
    job = ImportJob.objects.get()
    lead.delete()  # between preview and apply, the manager is removed
    response = client.post(reverse("people:import-apply", args=[job.pk]), follow=True)
    assert "no longer passes the checks" in response.text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Person.objects.filter(employee_id="E2").exists()


def test_reimporting_through_the_pages_counts_unchanged_rows(client, world):
    login(client, world.admin)
    for _ in range(2):
        preview(client, GOOD)
        response = client.post(
            reverse("people:import-apply", args=[ImportJob.objects.first().pk]), follow=True
        )
    assert "0 created, 0 updated, 2 unchanged" in response.text
    assert Person.objects.filter(employee_id__in=["E1", "E2"]).count() == 2


def test_a_large_file_is_applied_by_celery_and_the_job_page_reports_progress(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "ASYNC_THRESHOLD_ROWS", 50)
    login(client, world.admin)
    response = preview(client, csv_text(*generated_rows(100)))
    assert "applied in the background" in response.text
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("people:import-apply", args=[job.pk]))
    assert response.url == reverse("people:import-job", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and not Person.objects.filter(employee_id="E0").exists()

    page = client.get(response.url)
    assert 'aria-live="polite"' in page.text and "<noscript>" in page.text
    assert client.get(reverse("people:import-job-status", args=[job.pk])).json()["status"] == "queued"

    assert len(callbacks) == 1
    callbacks[0]()  # the queued task runs (eagerly, in tests)
    status = client.get(reverse("people:import-job-status", args=[job.pk])).json()
    assert status | {"error": ""} == {
        "status": "done",
        "status_label": "Done",
        "finished": True,
        "total_rows": 100,
        "processed_rows": 100,
        "percent": 100,
        "created": 100,
        "updated": 0,
        "unchanged": 0,
        "error": "",
    }
    assert Person.objects.filter(employee_id__startswith="E").count() == 100
    assert "<noscript>" not in client.get(response.url).text


def test_the_import_task_run_twice_imports_once(world):
    job = ImportJob.objects.create(
        created_by=world.admin, filename="x.csv", source=GOOD, total_rows=2, status=ImportJob.Status.QUEUED
    )
    from people.tasks import apply_import

    assert apply_import.delay(job.pk).get() is True
    assert apply_import.delay(job.pk).get() is False
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportJob.Status.DONE, 2)
    assert Person.objects.filter(employee_id__in=["E1", "E2"]).count() == 2


def test_import_pages_link_back_to_the_people_list(client, world):
    login(client, world.admin)
    list_url = reverse("people:person-list")
    assert reverse("people:import") in client.get(list_url).text
    assert f'href="{list_url}"' in client.get(reverse("people:import")).text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_imports_open_transaction(world):
    job = ImportJob.objects.create(filename="x.csv", total_rows=10, status=ImportJob.Status.RUNNING)
    with transaction.atomic(), services._progress_reporter(job.pk) as report:
        report(4)
        # Committed by the second connection: a polling page sees it before the import commits.
        assert ImportJob.objects.get(pk=job.pk).processed_rows == 4
        transaction.set_rollback(True)
    assert ImportJob.objects.get(pk=job.pk).processed_rows == 4


def _running_job(world, *, started_minutes_ago):
    from django.utils import timezone

    return ImportJob.objects.create(
        created_by=world.admin,
        filename="x.csv",
        source=GOOD,
        total_rows=2,
        status=ImportJob.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago),
    )


def test_an_import_whose_worker_died_fails_after_its_lease_and_can_be_started_again(client, world):
    lease_minutes = services.IMPORT_LEASE.total_seconds() / 60
    alive = _running_job(world, started_minutes_ago=lease_minutes - 1)
    dead = _running_job(world, started_minutes_ago=lease_minutes + 1)

    failed, _queued = services.import_jobs_sweep()

    assert failed == [dead.pk]
    alive.refresh_from_db()
    dead.refresh_from_db()
    assert alive.status == ImportJob.Status.RUNNING
    assert dead.status == ImportJob.Status.FAILED and "stopped before it finished" in dead.error_message
    login(client, world.admin)
    page = client.get(reverse("people:import-job", args=[dead.pk]))
    assert "Start the import again" in page.text

    response = client.post(reverse("people:import-restart", args=[dead.pk]))

    assert response.url == reverse("people:person-list")
    dead.refresh_from_db()
    assert (dead.status, dead.created_count) == (ImportJob.Status.DONE, 2)
    assert (
        client.post(reverse("people:import-restart", args=[dead.pk])).status_code == 302
    )  # refused in words
    assert Person.objects.filter(employee_id__in=["E1", "E2"]).count() == 2


def test_with_the_broker_down_a_large_import_is_queued_and_the_sweep_sends_it_later(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "ASYNC_THRESHOLD_ROWS", 1)
    login(client, world.admin)
    preview(client, GOOD)
    job = ImportJob.objects.get()

    def broker_down(job_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(services, "_queue_import", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("people:import-apply", args=[job.pk]))

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    monkeypatch.undo()
    assert services.import_jobs_sweep() == ([], [job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
