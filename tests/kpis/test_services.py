"""Applying a KPI import: what it writes, the replace rule, all or nothing, and the job lifecycle it
shares with the people import."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from kpis import services
from kpis.models import AgentMonth, KpiImport, MedianReach
from people.import_jobs import ImportRejected
from people.importing import ImportFileError
from people.models import Team
from tests.factories import PersonFactory
from tests.kpis.helpers import csv_text

MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1)


def figures(person, month):
    row = AgentMonth.objects.get(person=person, month=month)
    return (row.csat, row.first_response_minutes, row.resolution_minutes, row.tickets_solved, row.qa_score)


def stored():
    return {(row.person.email, row.month) for row in AgentMonth.objects.select_related("person")}


def test_apply_creates_one_row_per_agent_and_month(world):
    counts = services.kpi_import_apply(
        text=csv_text(
            "mentor@example.com,2026-03,87%,1.5 h,01:30,120,0.9",
            "mentee@example.com,March 2026,75,30,2 days,40,",
            "mentee@example.com,2026-04,80,25,1d,55,70",
        )
    )
    assert counts == services.KpiCounts(created=3, replaced=0, cleared=0)
    assert figures(world.mentor, MARCH) == (
        Decimal("87.00"),
        Decimal("90.0"),
        Decimal("90.0"),
        120,
        Decimal("90.00"),
    )
    assert figures(world.mentee, MARCH) == (Decimal("75.00"), Decimal("30.0"), Decimal("2880.0"), 40, None)
    assert figures(world.mentee, APRIL)[3] == 55


def test_reimporting_a_month_replaces_it_and_clears_agents_no_longer_in_it(world):
    services.kpi_import_apply(
        text=csv_text(
            "mentor@example.com,2026-03,87,10,100,120,90",
            "mentee@example.com,2026-03,75,30,200,40,80",
            "mentee@example.com,2026-04,80,25,300,55,70",
        )
    )
    counts = services.kpi_import_apply(
        text=csv_text(
            "mentor@example.com,2026-03,88,11,101,121,91", "outsider@example.com,2026-03,60,5,50,10,50"
        )
    )
    # March is the file's month: the mentor is replaced, the outsider created, the mentee's March
    # (stored, not in the file) removed. April is not in the file, so it stays.
    assert counts == services.KpiCounts(created=1, replaced=1, cleared=1)
    assert figures(world.mentor, MARCH) == (
        Decimal("88.00"),
        Decimal("11.0"),
        Decimal("101.0"),
        121,
        Decimal("91.00"),
    )
    assert stored() == {
        ("mentor@example.com", MARCH),
        ("outsider@example.com", MARCH),
        ("mentee@example.com", APRIL),
    }


def test_a_file_with_some_figures_replaces_only_those(world):
    services.kpi_import_apply(
        text=csv_text("mentor@example.com,2026-03,87,10,100,120,", "mentee@example.com,2026-03,75,30,200,40,")
    )
    # A QA tool's export: QA scores only, for the mentor only.
    counts = services.kpi_import_apply(
        text=csv_text("mentor@example.com,2026-03,92", header="Agent email,Month,QA score")
    )
    assert counts == services.KpiCounts(created=0, replaced=1, cleared=1)
    assert figures(world.mentor, MARCH) == (
        Decimal("87.00"),
        Decimal("10.0"),
        Decimal("100.0"),
        120,
        Decimal("92.00"),
    )
    # The mentee had no QA score: clearing it leaves the helpdesk's figures, so the row stays.
    assert figures(world.mentee, MARCH) == (Decimal("75.00"), Decimal("30.0"), Decimal("200.0"), 40, None)


def test_a_row_without_figures_counts_as_absent(world):
    services.kpi_import_apply(text=csv_text("mentor@example.com,2026-03,87,10,100,120,90"))
    counts = services.kpi_import_apply(
        text=csv_text("mentor@example.com,2026-03,-,,,N/A,", "mentee@example.com,2026-03,70,,,,")
    )
    assert counts == services.KpiCounts(created=1, replaced=0, cleared=1)
    assert stored() == {("mentee@example.com", MARCH)}


def test_a_file_with_any_error_saves_nothing(world):
    services.kpi_import_apply(text=csv_text("mentor@example.com,2026-03,87,10,100,120,90"))
    with pytest.raises(ImportRejected, match="row 3, Agent email no one has the email"):
        services.kpi_import_apply(
            text=csv_text(
                "mentor@example.com,2026-03,10,10,10,10,10", "nobody@example.com,2026-03,87,10,100,120,90"
            )
        )
    assert figures(world.mentor, MARCH)[0] == Decimal("87.00")
    assert AgentMonth.objects.count() == 1


def test_an_unreadable_file_is_refused_as_a_whole(world):
    with pytest.raises(ImportFileError):
        services.kpi_import_apply(text="Agent email,CSAT\nmentor@example.com,80\n")


def _job(world, text, **kwargs):
    rows = text.count("\n") - 1
    return KpiImport.objects.create(
        created_by=world.admin, filename="k.csv", source=text, total_rows=rows, **kwargs
    )


def test_the_import_task_run_twice_imports_once(world):
    job = _job(world, csv_text("mentor@example.com,2026-03,87,10,100,120,90"), status=KpiImport.Status.QUEUED)
    from kpis.tasks import apply_import

    assert apply_import.delay(job.pk).get() is True
    assert apply_import.delay(job.pk).get() is False
    job.refresh_from_db()
    assert (job.status, job.created_count, job.source) == (KpiImport.Status.DONE, 1, "")
    assert AgentMonth.objects.count() == 1


def test_a_job_whose_file_no_longer_passes_fails_and_saves_nothing(world):
    job = _job(world, csv_text("outsider@example.com,2026-03,87,10,100,120,90"))
    world.outsider.delete()  # between preview and apply
    assert services.kpi_import_start(job=job) is True
    job.refresh_from_db()
    assert job.status == KpiImport.Status.FAILED and "no longer passes the checks" in job.error_message
    assert not AgentMonth.objects.exists()


def test_an_import_whose_worker_died_fails_after_its_lease_and_can_be_started_again(world):
    lease = services.IMPORT_LEASE
    alive = _job(
        world, csv_text("mentor@example.com,2026-03,87,10,100,120,90"), status=KpiImport.Status.RUNNING
    )
    dead = _job(
        world, csv_text("mentee@example.com,2026-03,87,10,100,120,90"), status=KpiImport.Status.RUNNING
    )
    now = timezone.now()
    KpiImport.objects.filter(pk=alive.pk).update(started_at=now - lease + datetime.timedelta(minutes=1))
    KpiImport.objects.filter(pk=dead.pk).update(started_at=now - lease - datetime.timedelta(minutes=1))

    assert services.kpi_imports_sweep() == ([dead.pk], [])
    dead.refresh_from_db()
    assert dead.status == KpiImport.Status.FAILED and dead.can_restart

    assert services.kpi_import_restart(job=dead) is True
    dead.refresh_from_db()
    assert (dead.status, dead.created_count) == (KpiImport.Status.DONE, 1)
    assert stored() == {("mentee@example.com", MARCH)}


def test_a_large_file_is_queued_and_the_sweep_sends_it_when_the_broker_was_down(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "ASYNC_THRESHOLD_ROWS", 1)
    job = _job(
        world, csv_text("mentor@example.com,2026-03,87,10,100,120,90", "mentee@example.com,2026-03,1,1,1,1,1")
    )

    def broker_down(job_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(services, "_queue_import", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.kpi_import_start(job=job) is False
    job.refresh_from_db()
    assert job.status == KpiImport.Status.QUEUED
    monkeypatch.undo()
    assert services.kpi_imports_sweep() == ([], [job.pk])
    job.refresh_from_db()
    assert (job.status, job.created_count) == (KpiImport.Status.DONE, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_written_outside_the_imports_open_transaction():
    from people.import_jobs import progress_reporter

    job = KpiImport.objects.create(filename="x.csv", total_rows=10, status=KpiImport.Status.RUNNING)
    with transaction.atomic(), progress_reporter(KpiImport, job.pk) as report:
        report(4)
        assert KpiImport.objects.get(pk=job.pk).processed_rows == 4
        transaction.set_rollback(True)
    assert KpiImport.objects.get(pk=job.pk).processed_rows == 4


def test_two_partial_imports_in_one_transaction_each_replace_their_month(world):
    header = "Agent email,Month,QA score,Solved tickets"
    with transaction.atomic():
        services.kpi_import_apply(text=csv_text("mentor@example.com,2026-03,80,10", header=header))
        services.kpi_import_apply(text=csv_text("mentor@example.com,2026-04,85,11", header=header))
        services.kpi_import_apply(text=csv_text("mentor@example.com,2026-03,90,12", header=header))
    assert figures(world.mentor, MARCH) == (None, None, None, 12, Decimal("90.00"))
    assert figures(world.mentor, APRIL) == (None, None, None, 11, Decimal("85.00"))


def test_check_and_apply_take_the_same_queries_whatever_the_files_size(world):
    """A fixed number of statements per batch of rows: 3 agents and 60 agents cost the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    def queries(agents: int, month: str) -> tuple[int, int, int]:
        people = PersonFactory.create_batch(agents)
        full = csv_text(*(f"{p.email},{month},80,1,1,1,1" for p in people))
        partial = csv_text(*(f"{p.email},{month},70" for p in people), header="Agent email,Month,QA score")
        counts = []
        for step in (
            lambda: services.kpi_import_check(text=full),
            lambda: services.kpi_import_apply(text=full),
            lambda: services.kpi_import_apply(text=partial),
        ):
            with CaptureQueriesContext(connection) as captured:
                step()
            counts.append(len(captured))
        assert AgentMonth.objects.filter(month=f"{month}-01", qa_score=70, csat=80).count() == agents
        return tuple(counts)

    small, large = queries(3, "2026-03"), queries(60, "2026-04")
    assert small == large
    assert small[0] == 2  # the people, the stored figures of the file's months


def test_kept_figures_go_stale_when_an_import_commits(world, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from kpis.selectors import FIGURES_VERSION_KEY

    cache.delete(FIGURES_VERSION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        services.kpi_import_apply(text=csv_text("mentor@example.com,2026-03,87,,,,"))
    first = cache.get(FIGURES_VERSION_KEY)
    assert first is not None
    with django_capture_on_commit_callbacks(execute=True):
        services.kpi_import_apply(text=csv_text("mentor@example.com,2026-03,88,,,,"))
    assert cache.get(FIGURES_VERSION_KEY) not in (None, first)


def test_a_rejected_import_leaves_kept_figures_alone(world, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from kpis.selectors import FIGURES_VERSION_KEY

    cache.set(FIGURES_VERSION_KEY, "before", None)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ImportRejected):
        services.kpi_import_apply(text=csv_text("nobody@example.com,2026-03,87,,,,"))
    assert cache.get(FIGURES_VERSION_KEY) == "before"


def test_an_import_works_out_when_each_agent_first_reached_the_team_median(db):
    # Team T: two veterans and a new hire (hired in February 2026). February's CSAT 70, 80, 90: the
    # new hire's 70 has a third of the team at or below it (not more than half), 80 and 90 reach
    # it. March's 80, 85, 90: 85 reaches it. Only the new hire has tickets: alone, they reach it.
    team = Team.objects.create(name="T")
    vet80, vet90 = (
        PersonFactory(team=team, email=f"{name}@example.com", hire_date=datetime.date(2020, 1, 6))
        for name in ("vet80", "vet90")
    )
    new = PersonFactory(team=team, email="new@example.com", hire_date=datetime.date(2026, 2, 10))
    services.kpi_import_apply(
        text=csv_text(
            "vet80@example.com,2026-02,80,10,100,,90",
            "vet90@example.com,2026-02,90,10,100,,90",
            "new@example.com,2026-02,70,10,100,12,90",
            "vet80@example.com,2026-03,80,10,100,,90",
            "vet90@example.com,2026-03,90,10,100,,90",
            "new@example.com,2026-03,85,10,100,30,90",
        )
    )

    def reached():
        return {(r.person_id, r.kpi): r.first_month for r in MedianReach.objects.all()}

    feb, mar = datetime.date(2026, 2, 1), MARCH
    assert reached() == {
        (vet80.pk, "csat"): feb,
        (vet90.pk, "csat"): feb,
        (new.pk, "csat"): mar,
        (new.pk, "tickets_solved"): feb,
    }
    # Re-importing March with the new hire back at 70 leaves them not there yet.
    services.kpi_import_apply(
        text=csv_text(
            "vet80@example.com,2026-03,80,10,100,,90",
            "vet90@example.com,2026-03,90,10,100,,90",
            "new@example.com,2026-03,70,10,100,30,90",
        )
    )
    assert reached()[(new.pk, "csat")] is None
