import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from matching.models import MatchRun, Pairing
from matching.services import match_run_create, match_run_publish
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, MatchRunFactory, PersonFactory


@pytest.fixture
def enrolling_cohort(db):
    return CohortFactory(state=Cohort.State.ENROLLING)


def enrol(cohort, role, **person):
    capacity = 2 if role == Enrolment.Role.MENTOR else 1
    return EnrolmentFactory(cohort=cohort, role=role, capacity=capacity, person=PersonFactory(**person))


def test_match_run_proposes_pairs_with_explanations_and_publish_activates_them(enrolling_cohort, admin_user):
    mentor = enrol(enrolling_cohort, Enrolment.Role.MENTOR, communication="written")
    mentees = [enrol(enrolling_cohort, Enrolment.Role.MENTEE, communication="written") for _ in range(2)]
    run = match_run_create(cohort=enrolling_cohort, by=admin_user)
    pairs = list(run.pairings.all())
    assert {p.mentee_id for p in pairs} == {m.pk for m in mentees}
    assert all(p.mentor_id == mentor.pk and p.status == Pairing.Status.PROPOSED for p in pairs)
    assert all("Both prefer written communication" in p.explanation for p in pairs)

    match_run_publish(run=run, by=admin_user)
    run.refresh_from_db()
    enrolling_cohort.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED and run.published_by == admin_user
    assert enrolling_cohort.state == Cohort.State.ACTIVE
    assert set(run.pairings.values_list("status", flat=True)) == {Pairing.Status.ACTIVE}


def test_no_one_is_mentored_by_their_own_manager(enrolling_cohort, admin_user):
    boss = PersonFactory()
    EnrolmentFactory(cohort=enrolling_cohort, role=Enrolment.Role.MENTOR, capacity=3, person=boss)
    report = enrol(enrolling_cohort, Enrolment.Role.MENTEE, manager=boss)
    run = match_run_create(cohort=enrolling_cohort, by=admin_user)
    assert run.pairings.count() == 0
    assert run.unmatched == [
        {"enrolment_id": report.pk, "name": report.person.full_name, "reason": run.unmatched[0]["reason"]}
    ]
    assert "ruled out" in run.unmatched[0]["reason"]


def test_rerun_supersedes_the_previous_proposal_which_can_no_longer_be_published(
    enrolling_cohort, admin_user
):
    enrol(enrolling_cohort, Enrolment.Role.MENTOR)
    enrol(enrolling_cohort, Enrolment.Role.MENTEE)
    first = match_run_create(cohort=enrolling_cohort, by=admin_user)
    match_run_create(cohort=enrolling_cohort, by=admin_user)
    first.refresh_from_db()
    assert first.status == MatchRun.Status.SUPERSEDED
    with pytest.raises(ValidationError):
        match_run_publish(run=first, by=admin_user)


def test_matching_refuses_a_cohort_without_mentors(enrolling_cohort, admin_user):
    enrol(enrolling_cohort, Enrolment.Role.MENTEE)
    with pytest.raises(ValidationError, match="mentor"):
        match_run_create(cohort=enrolling_cohort, by=admin_user)


def test_database_allows_only_one_active_pairing_per_mentee(world):
    other_mentor = EnrolmentFactory(cohort=world.cohort, role=Enrolment.Role.MENTOR, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            cohort=world.cohort,
            match_run=MatchRunFactory(cohort=world.cohort),
            mentor=other_mentor,
            mentee=world.pair.mentee,
            score=50,
            status=Pairing.Status.ACTIVE,
            started_on=world.today,
        )
