"""The KPI import pages: only programme admins; upload → preview → apply, inline or by Celery."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kpis import services
from kpis.models import AgentMonth, KpiImport
from tests.conftest import login
from tests.factories import PersonFactory
from tests.kpis.helpers import csv_text, upload

GOOD = csv_text(
    "mentor@example.com,2026-03,87%,1.5 h,01:30,120,0.9", "mentee@example.com,March 2026,75,30,2 days,40,"
)


def preview(client, text, name="kpis.csv"):
    return client.post(reverse("kpis:import"), {"file": upload(text, name=name)})


@pytest.mark.parametrize("username", ["manager", "mentor", "mentee", "outsider"])
def test_only_programme_admins_reach_the_kpi_import(client, world, username):
    job = KpiImport.objects.create(created_by=world.admin, filename="k.csv", source=GOOD, total_rows=2)
    login(client, User.objects.get(username=username))
    for target in [
        reverse("kpis:import"),
        reverse("kpis:import-job", args=[job.pk]),
        reverse("kpis:import-job-status", args=[job.pk]),
    ]:
        assert client.get(target).status_code == 403, target
    assert preview(client, GOOD).status_code == 403
    assert client.post(reverse("kpis:import-apply", args=[job.pk])).status_code == 403
    assert client.post(reverse("kpis:import-restart", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == KpiImport.Status.PREVIEWED and not AgentMonth.objects.exists()


def test_logged_out_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("kpis:import"))
    assert response.status_code == 302 and reverse("login") in response.url


def test_the_upload_page_documents_the_columns_and_the_replace_rule(client, world):
    login(client, world.admin)
    page = client.get(reverse("kpis:import"))
    assert page.status_code == 200
    for text in [
        "Assignee email",
        "Satisfaction score",
        "First reply time",
        "Full resolution time",
        "Solved tickets",
        "QA score",
        "1.5 h",
        "0.87",
        "03/2026",
        "What a file replaces.",
    ]:
        assert text.lower() in page.text.lower(), text
    assert "No figures imported yet." in page.text
    assert f'href="{reverse("kpis:import")}"' in client.get(reverse("home")).text  # in the navigation


def test_preview_shows_what_will_be_created_and_replaced_and_saves_nothing(client, world):
    AgentMonth.objects.create(person=world.mentor, month=datetime.date(2026, 3, 1), csat=50)
    AgentMonth.objects.create(person=world.outsider, month=datetime.date(2026, 3, 1), csat=50)
    login(client, world.admin)
    response = preview(client, GOOD)
    assert response.status_code == 200
    text = response.text
    assert "<strong>1</strong> agent-month to create" in text
    assert "<strong>1</strong> to replace" in text
    assert "<strong>1</strong> stored agent-month not in the file to clear" in text
    assert (
        "<code>First reply time (min)</code></td><td>first response time (a bare number is minutes)" in text
    )
    assert 'March 2026</td><td class="text-end">2</td>' in text
    assert "Apply the import" in text
    assert AgentMonth.objects.get(person=world.mentor).csat == 50
    assert KpiImport.objects.get().status == KpiImport.Status.PREVIEWED


def test_preview_lists_row_errors_naming_row_and_column_and_offers_no_apply(client, world):
    login(client, world.admin)
    response = preview(
        client,
        csv_text(
            "nobody@example.com,2026-03,87,1,1,1,1",
            "mentor@example.com,2026-03,101,1,1,1,1",
            "mentee@example.com,2026-03,90,1,1,1,1",
            "mentee@example.com,2026-03,90,1,1,1,1",
        ),
    )
    text = response.text
    assert (
        "<td>2</td><td><code>Agent email</code></td><td>no one has the email “nobody@example.com”</td>"
        in text
    )
    assert (
        "<td>3</td><td><code>CSAT %</code></td><td>“101” is not a percentage between 0 and 100</td>" in text
    )
    assert (
        "<td>5</td><td><code>Agent email</code></td>"
        "<td>mentee@example.com already has a row for 2026-03 (row 4)" in text
    )
    assert "<strong>3</strong> errors" in text
    assert "Apply the import" not in text
    assert not KpiImport.objects.exists() and not AgentMonth.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Assignee name,Month,CSAT\nAda,2026-03,90\n", "the agent&#x27;s email or employee id"),
        ("Agent email,Month,CSAT\nzoë@example.com,2026-03,90\n".encode("cp1252"), "CSV UTF-8"),
        (b"PK\x03\x04\x14\x00\x06\x00", "spreadsheet workbook"),
        (b"", "The submitted file is empty"),
    ],
)
def test_a_hostile_file_gets_a_message_not_a_500(client, world, data, message):
    login(client, world.admin)
    response = preview(client, data)
    assert response.status_code == 200
    assert message in response.text
    assert not KpiImport.objects.exists()


def test_a_file_over_50_mb_is_refused_with_the_limit(client, world):
    login(client, world.admin)
    big = SimpleUploadedFile("huge.csv", b"a,b\n" * (51 * 1024 * 1024 // 4), content_type="text/csv")
    response = client.post(reverse("kpis:import"), {"file": big})
    assert "the limit is 50 MB" in response.text
    assert not KpiImport.objects.exists()


def test_apply_imports_a_small_file_inline_and_is_safe_to_click_twice(client, world):
    login(client, world.admin)
    preview(client, GOOD)
    job = KpiImport.objects.get()
    response = client.post(reverse("kpis:import-apply", args=[job.pk]), follow=True)
    assert "Import applied. Done: 2 created, 0 replaced, 0 cleared." in response.text
    assert 'March 2026</td><td class="text-end">2</td>' in response.text  # months on record
    again = client.post(reverse("kpis:import-apply", args=[job.pk]))
    assert again.url == reverse("kpis:import-job", args=[job.pk])
    assert AgentMonth.objects.count() == 2


def test_apply_checks_again_and_saves_nothing_when_the_people_changed(client, world):
    login(client, world.admin)
    preview(
        client, csv_text("outsider@example.com,2026-03,87,1,1,1,1", "mentor@example.com,2026-03,87,1,1,1,1")
    )
    job = KpiImport.objects.get()
    world.outsider.delete()
    response = client.post(reverse("kpis:import-apply", args=[job.pk]), follow=True)
    assert "no longer passes the checks" in response.text
    assert not AgentMonth.objects.exists()


def test_a_large_file_is_applied_by_celery_and_the_job_page_reports_progress(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "ASYNC_THRESHOLD_ROWS", 1)
    login(client, world.admin)
    assert "applied in the background" in preview(client, GOOD).text
    job = KpiImport.objects.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("kpis:import-apply", args=[job.pk]))
    assert response.url == reverse("kpis:import-job", args=[job.pk])
    page = client.get(response.url)
    assert 'aria-live="polite"' in page.text and "<noscript>" in page.text
    assert reverse("kpis:import-job-status", args=[job.pk]) in page.text
    callbacks[0]()
    status = client.get(reverse("kpis:import-job-status", args=[job.pk])).json()
    assert status == {
        "status": "done",
        "status_label": "Done",
        "finished": True,
        "total_rows": 2,
        "processed_rows": 2,
        "percent": 100,
        "created": 2,
        "replaced": 0,
        "cleared": 0,
        "error": "",
    }
    assert "Done: 2 created, 0 replaced, 0 cleared." in client.get(response.url).text


def test_a_failed_job_can_be_started_again_from_its_page(client, world):
    job = KpiImport.objects.create(
        created_by=world.admin, filename="k.csv", source=GOOD, total_rows=2, status=KpiImport.Status.FAILED
    )
    login(client, world.admin)
    assert "Start the import again" in client.get(reverse("kpis:import-job", args=[job.pk])).text
    client.post(reverse("kpis:import-restart", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == KpiImport.Status.DONE and AgentMonth.objects.count() == 2
    refused = client.post(reverse("kpis:import-restart", args=[job.pk]), follow=True)
    assert "cannot be started again" in refused.text


@pytest.mark.parametrize("months", [2, 30])
def test_the_upload_page_reads_months_on_record_in_fixed_queries(
    client, world, months, django_assert_num_queries
):
    people = PersonFactory.create_batch(3)
    AgentMonth.objects.bulk_create(
        AgentMonth(person=person, month=datetime.date(2020 + m // 12, m % 12 + 1, 1), csat=80)
        for m in range(months)
        for person in people
    )
    login(client, world.admin)
    # session, user, programme admin?, the navigation's person, the months on record (count, page)
    with django_assert_num_queries(6):
        page = client.get(reverse("kpis:import"))
    assert page.text.count('<td class="text-end">3</td><td class="text-end">3</td>') == min(months, 12)
