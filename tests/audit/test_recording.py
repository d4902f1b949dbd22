"""The service writes that skip save() (update(), bulk_create(), raw SQL) still leave history rows,
with the acting user (none for a task: "System") and a reason where one helps."""

import datetime
import types

import pytest
from django.urls import reverse
from django.utils import timezone

from closeout.services import pairing_end_early
from enrolment import services as enrolment_services
from matching import services as matching_services
from matching.models import MatchRun, Pairing
from notifications.services import notify
from people import services as people_services
from people.models import ImportJob, Person
from programmes.models import Cohort, Enrolment
from programmes.services import cohort_transition
from tests.conftest import login
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory

pytestmark = pytest.mark.django_db

MENTOR_HIRED, MENTEE_HIRED = datetime.date(2019, 1, 7), datetime.date(2025, 6, 2)


def _latest(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


def _enrol(cohort, role, name):
    hired = MENTOR_HIRED if role == Enrolment.Role.MENTOR else MENTEE_HIRED
    return EnrolmentFactory(
        cohort=cohort, role=role, capacity=1, person=PersonFactory(full_name=name, hire_date=hired)
    )


@pytest.fixture
def small(world):
    """An enrolling cohort with two mentors and two mentees."""
    cohort = CohortFactory(state=Cohort.State.ENROLLING)
    mentors = [_enrol(cohort, Enrolment.Role.MENTOR, f"Mentor {n}") for n in "AB"]
    mentees = [_enrol(cohort, Enrolment.Role.MENTEE, f"Mentee {n}") for n in "AB"]
    return types.SimpleNamespace(cohort=cohort, mentors=mentors, mentees=mentees, admin=world.admin)


def test_a_match_run_records_its_proposed_pairs_and_the_run_it_replaces(small):
    first = matching_services.match_run_create(cohort=small.cohort, by=small.admin)
    second = matching_services.match_run_create(cohort=small.cohort, by=small.admin)

    # The proposed pairs were written by bulk_create: one "created" row each, by the admin.
    rows = list(Pairing.history.filter(match_run_id=second.pk))
    assert len(rows) == 2
    assert {(r.history_type, r.history_user_id, r.status) for r in rows} == {
        ("+", small.admin.pk, "proposed")
    }
    assert rows[0].history_change_reason == f"Proposed by match run #{second.pk}."
    # The first run was superseded by an update(): its history says so, by whom and why.
    superseded = _latest(first)
    assert (superseded.status, superseded.history_user_id) == ("superseded", small.admin.pk)
    assert superseded.history_change_reason == "A new match run replaced it."


def test_publishing_records_each_pair_started_the_run_and_the_cohort(small):
    run = matching_services.match_run_create(cohort=small.cohort, by=small.admin)
    matching_services.match_run_publish(run=run, by=small.admin)

    reason = f"Published run #{run.pk}."
    for pairing in run.pairings.all():
        row = _latest(pairing)
        assert (row.status, row.started_on, row.history_type) == ("active", timezone.localdate(), "~")
        assert (row.history_user_id, row.history_change_reason) == (small.admin.pk, reason)
    run_row = _latest(run)
    assert (run_row.status, run_row.history_user_id, run_row.history_change_reason) == (
        "published",
        small.admin.pk,
        reason,
    )
    cohort_row = _latest(small.cohort)
    assert (cohort_row.state, cohort_row.history_user_id, cohort_row.history_change_reason) == (
        "active",
        small.admin.pk,
        reason,
    )


def test_closing_a_cohort_records_each_pair_completed(world):
    cohort = world.cohort
    Cohort.objects.filter(pk=cohort.pk).update(state=Cohort.State.CONCLUDING)
    cohort.refresh_from_db()

    cohort_transition(cohort=cohort, to=Cohort.State.CLOSED, by=world.admin)

    for pairing in (world.pair, world.pair2):
        row = _latest(pairing)
        assert (row.status, row.outcome, row.history_change_reason) == (
            "ended",
            "completed",
            "The cohort closed.",
        )
    # Only the two active pairs: one history row each, not one per pairing of the cohort ever.
    assert Pairing.history.filter(history_change_reason="The cohort closed.").count() == 2
    row = _latest(cohort)
    assert (row.state, row.history_user_id) == ("closed", world.admin.pk)


def test_a_background_run_and_its_expiry_are_recorded_with_no_user(small, settings):
    now = timezone.now()
    run = MatchRun.objects.create(
        cohort=small.cohort,
        created_by=small.admin,
        status=MatchRun.Status.QUEUED,
        lease_expires_at=now + datetime.timedelta(minutes=30),
    )
    matching_services.match_run_execute(run_id=run.pk)

    statuses = list(
        run.history.order_by("history_date", "history_id").values_list("status", "history_user_id")
    )
    # Created (by the test, no request: no user), claimed and finished by the worker: "System".
    assert statuses == [("queued", None), ("running", None), ("proposed", None)]

    stuck = MatchRun.objects.create(
        cohort=small.cohort,
        status=MatchRun.Status.RUNNING,
        started_at=now,
        lease_expires_at=now + datetime.timedelta(minutes=1),
    )
    assert matching_services.match_runs_expire(now=now + datetime.timedelta(minutes=2)) == 1
    row = _latest(stuck)
    assert (row.status, row.history_user_id, row.history_change_reason) == (
        "failed",
        None,
        "Its lease ran out.",
    )


def test_a_failed_background_run_is_recorded(small):
    run = MatchRun.objects.create(
        cohort=small.cohort,
        status=MatchRun.Status.QUEUED,
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    Enrolment.objects.filter(cohort=small.cohort, role=Enrolment.Role.MENTOR).delete()
    matching_services.match_run_execute(run_id=run.pk)
    row = _latest(run)
    assert row.status == "failed" and "mentor" in row.error


def test_a_promotion_from_the_waitlist_is_recorded(world):
    cohort = CohortFactory(programme=world.cohort.programme, name="Spring 2027", state=Cohort.State.ENROLLING)
    waiting = EnrolmentFactory(cohort=cohort, role="mentee", status="waitlisted")
    applicant = EnrolmentFactory(
        cohort=cohort, person=PersonFactory(hire_date=MENTOR_HIRED), role="mentor", status="applied"
    )

    enrolment_services.application_review(
        enrolment=applicant, approve=True, checks=enrolment_services.MENTOR_CHECKS, by=world.admin
    )

    approved = _latest(applicant)
    assert (approved.status, approved.history_user_id) == ("active", world.admin.pk)
    promoted = _latest(waiting)
    # Nobody chose them: the place came free when the admin approved a mentor, in their request.
    assert (promoted.status, promoted.history_change_reason) == ("active", "A place came free.")


def test_enrolment_decisions_name_the_actor_given_to_the_service(world):
    enrolment = world.pair2.mentee
    world.pair2.delete()
    enrolment_services.enrolment_withdraw(enrolment=enrolment, reason="Changed teams", by=world.admin)
    row = _latest(enrolment)
    assert (row.status, row.withdrawn_reason, row.history_user_id) == (
        "withdrawn",
        "Changed teams",
        world.admin.pk,
    )


def test_ending_a_pairing_early_records_the_reason_and_who(world):
    pairing_end_early(pairing=world.pair, reason="Mentor moved to another site", by=world.admin)
    row = _latest(world.pair)
    assert (row.status, row.outcome, row.end_reason, row.history_user_id) == (
        "ended",
        "ended_early",
        "Mentor moved to another site",
        world.admin.pk,
    )


CSV = "employee_id,full_name,email,team,manager_employee_id,hire_date,leave_date\n"


def test_an_import_records_who_uploaded_it_the_file_and_whole_rows(world):
    kept = PersonFactory(
        employee_id="E1", full_name="Ada Lead", communication="written", hire_date=MENTOR_HIRED
    )
    PersonFactory(employee_id="E3", full_name="Cy Same", email="cy@example.com", hire_date=MENTOR_HIRED)
    Person.objects.filter(employee_id="E3").update(team=None)
    before = Person.history.count()
    text = (
        CSV
        + f"E1,Ada Renamed,{kept.email},,,{MENTOR_HIRED},\n"
        + f"E2,Bo New,bo@example.com,,E1,{MENTEE_HIRED},\n"
        + f"E3,Cy Same,cy@example.com,,,{MENTOR_HIRED},\n"
    )
    job = ImportJob.objects.create(
        created_by=world.admin,
        filename="people.csv",
        source=text,
        total_rows=3,
        status=ImportJob.Status.QUEUED,
    )

    assert people_services.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.created_count, job.updated_count, job.unchanged_count) == (1, 1, 1)
    rows = Person.history.order_by("history_id")[before:]
    # The changed and the new person; the unchanged one gets no row.
    assert sorted((r.employee_id, r.history_type) for r in rows) == [("E1", "~"), ("E2", "+")]
    for row in rows:
        assert (row.history_user_id, row.history_change_reason) == (
            world.admin.pk,
            "Imported from people.csv",
        )
    renamed = next(r for r in rows if r.employee_id == "E1")
    # The whole row as it now is, not only the file's columns.
    assert (renamed.full_name, renamed.communication) == ("Ada Renamed", "written")


def test_the_unread_counter_leaves_no_history(world):
    before = Person.history.filter(id=world.mentee.pk).count()
    notify(kind="promoted", person=world.mentee, key="k1", context={"cohort": world.cohort}, url="/")
    world.mentee.refresh_from_db()
    assert world.mentee.unread_notifications == 1
    assert Person.history.filter(id=world.mentee.pk).count() == before


def test_a_promotion_in_an_admins_request_names_the_admin(client, world):
    cohort = CohortFactory(programme=world.cohort.programme, name="Spring 2027", state=Cohort.State.ENROLLING)
    waiting = EnrolmentFactory(cohort=cohort, role="mentee", status="waitlisted")
    applicant = EnrolmentFactory(
        cohort=cohort, person=PersonFactory(hire_date=MENTOR_HIRED), role="mentor", status="applied"
    )
    login(client, world.admin)
    p = f"a{applicant.pk}-"
    client.post(
        reverse("enrolment:application-review", args=[applicant.pk]),
        {p + "decision": "approve", p + "checks": list(enrolment_services.MENTOR_CHECKS)},
    )

    # The update() that promoted them wrote its history with the request's user, as a save() would.
    promoted = _latest(waiting)
    assert (promoted.status, promoted.history_user_id) == ("active", world.admin.pk)
