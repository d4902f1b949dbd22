"""0004 moves MatchRun's state out of sentinel values: every kind of row of the old schema ends in
the right status, with its timestamps, error and notification claim, and accepted mentee requests
end up in one choice run per cohort."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("matching", "0003_matching_engine")]
AFTER = [("matching", "0007_mentor_request_closed_with_reason")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_0003(transactional_db):
    apps = _migrate(BEFORE)
    yield apps
    # Leave the database at the latest schema for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_sentinel_states_become_statuses_and_choice_runs_are_gathered(back_to_0003):
    apps = back_to_0003
    Programme = apps.get_model("programmes", "Programme")
    Cohort = apps.get_model("programmes", "Cohort")
    Person = apps.get_model("people", "Person")
    Enrolment = apps.get_model("programmes", "Enrolment")
    MatchRun = apps.get_model("matching", "MatchRun")
    Pairing = apps.get_model("matching", "Pairing")
    MentorRequest = apps.get_model("matching", "MentorRequest")

    now = timezone.now()
    programme = Programme.objects.create(name="P")
    cohort = Cohort.objects.create(
        programme=programme,
        name="C",
        starts_on=datetime.date(2027, 1, 4),
        ends_on=datetime.date(2027, 6, 4),
        matching_mode="choice",
        state="active",
    )

    def enrol(name, role):
        person = Person.objects.create(
            full_name=name, email=f"{name}@example.com", hire_date=datetime.date(2020, 1, 6)
        )
        return Enrolment.objects.create(cohort=cohort, person=person, role=role, capacity=1)

    mentors = [enrol(f"mentor{i}", "mentor") for i in range(3)]
    mentees = [enrol(f"mentee{i}", "mentee") for i in range(3)]
    result = MatchRun.objects.create(
        cohort=cohort, status="proposed", quality={"mean_score": 50}, progress=100
    )
    done = MatchRun.objects.create(cohort=cohort, status="superseded", quality={"result_run_id": result.pk})
    queued = MatchRun.objects.create(cohort=cohort, status="running", progress=0, created_at=now)
    failed = MatchRun.objects.create(cohort=cohort, status="failed", quality={"error": "No mentors."})
    notified = MatchRun.objects.create(cohort=cohort, status="published", published_at=now, progress=101)
    one_pair_runs = []
    for mentor, mentee in zip(mentors[:2], mentees[:2], strict=True):
        run = MatchRun.objects.create(cohort=cohort, status="published", published_at=now, progress=100)
        Pairing.objects.create(
            cohort=cohort,
            match_run=run,
            mentor=mentor,
            mentee=mentee,
            score=50,
            status="active",
            started_on=now,
        )
        MentorRequest.objects.create(cohort=cohort, mentor=mentor, mentee=mentee, status="accepted")
        one_pair_runs.append(run)
    rematch = MatchRun.objects.create(cohort=cohort, status="published", published_at=now, progress=100)
    Pairing.objects.create(
        cohort=cohort,
        match_run=rematch,
        mentor=mentors[2],
        mentee=mentees[2],
        score=40,
        status="active",
        started_on=now,
    )

    apps = _migrate(AFTER)
    MatchRun = apps.get_model("matching", "MatchRun")
    Pairing = apps.get_model("matching", "Pairing")
    runs = {run.pk: run for run in MatchRun.objects.all()}

    assert done.pk not in runs  # the pointer row: its result now carries the story
    assert runs[result.pk].status == "proposed" and runs[result.pk].started_at == done.created_at
    assert runs[queued.pk].status == "queued" and runs[
        queued.pk
    ].lease_expires_at == now + datetime.timedelta(minutes=30)
    assert runs[failed.pk].status == "failed" and runs[failed.pk].error == "No mentors."
    assert runs[notified.pk].notified_at == now
    choice_run = one_pair_runs[0].pk
    assert runs[choice_run].kind == "choice" and one_pair_runs[1].pk not in runs
    assert Pairing.objects.filter(match_run_id=choice_run).count() == 2
    assert runs[rematch.pk].kind == "single"
    assert Pairing.objects.count() == 3  # every pairing kept
