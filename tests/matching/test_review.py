"""Review services: pin, forbid, clear, swap, matching in the background, and the publish emails."""

import datetime
import types

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from matching import review, tasks
from matching.models import MatchRun, PairRule
from matching.services import match_run_create, match_run_publish
from people.models import Tag
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory

MENTOR_HIRED, MENTEE_HIRED = datetime.date(2019, 1, 7), datetime.date(2025, 6, 2)


def enrol(cohort, role, name, **person):
    # Mentors joined years before mentees, so the cohort's tenure rule allows every pair.
    person.setdefault("hire_date", MENTOR_HIRED if role == Enrolment.Role.MENTOR else MENTEE_HIRED)
    capacity = 1
    return EnrolmentFactory(
        cohort=cohort, role=role, capacity=capacity, person=PersonFactory(full_name=name, **person)
    )


@pytest.fixture
def small(db, admin_user):
    """An enrolling cohort with two mentors and two mentees, matched once."""
    cohort = CohortFactory(state=Cohort.State.ENROLLING)
    mentors = [enrol(cohort, Enrolment.Role.MENTOR, f"Mentor {n}") for n in "AB"]
    mentees = [enrol(cohort, Enrolment.Role.MENTEE, f"Mentee {n}") for n in "AB"]
    run = match_run_create(cohort=cohort, by=admin_user)
    return types.SimpleNamespace(cohort=cohort, mentors=mentors, mentees=mentees, run=run, admin=admin_user)


def test_pin_replaces_the_mentees_earlier_pin_and_a_forbid_replaces_the_pin(small):
    a, b = small.mentors
    mentee = small.mentees[0]
    review.pair_rule_set(cohort=small.cohort, mentor=a, mentee=mentee, kind="pin", by=small.admin)
    review.pair_rule_set(cohort=small.cohort, mentor=b, mentee=mentee, kind="pin", by=small.admin)
    assert list(PairRule.objects.values_list("mentor_id", "kind")) == [(b.pk, "pin")]

    review.pair_rule_set(cohort=small.cohort, mentor=b, mentee=mentee, kind="forbid", by=small.admin)
    assert list(PairRule.objects.values_list("mentor_id", "kind")) == [(b.pk, "forbid")]


def test_clear_removes_the_rule_of_that_pair_only(small):
    a, b = small.mentors
    mentee = small.mentees[0]
    review.pair_rule_set(cohort=small.cohort, mentor=a, mentee=mentee, kind="pin", by=small.admin)
    review.pair_rule_set(cohort=small.cohort, mentor=b, mentee=mentee, kind="forbid", by=small.admin)
    assert review.pair_rule_clear(cohort=small.cohort, mentor=b, mentee=mentee, by=small.admin) == 1
    assert list(PairRule.objects.values_list("mentor_id", "kind")) == [(a.pk, "pin")]
    assert review.pair_rule_clear(cohort=small.cohort, mentor=b, mentee=mentee, by=small.admin) == 0


def test_pinning_someone_to_their_own_manager_is_refused(small):
    boss = enrol(small.cohort, Enrolment.Role.MENTOR, "Boss")
    report = enrol(small.cohort, Enrolment.Role.MENTEE, "Report", manager=boss.person)
    with pytest.raises(ValidationError, match="manager"):
        review.pair_rule_set(cohort=small.cohort, mentor=boss, mentee=report, kind="pin", by=small.admin)
    # Forbidding the same pair is harmless.
    review.pair_rule_set(cohort=small.cohort, mentor=boss, mentee=report, kind="forbid", by=small.admin)


def test_a_rule_needs_a_mentor_and_a_mentee_of_the_cohort(small):
    stranger = EnrolmentFactory(role=Enrolment.Role.MENTOR)
    with pytest.raises(ValidationError, match="enrolled in this cohort"):
        review.pair_rule_set(
            cohort=small.cohort, mentor=stranger, mentee=small.mentees[0], kind="pin", by=small.admin
        )
    with pytest.raises(ValidationError, match="Choose a mentor and a mentee"):
        review.pair_rule_set(
            cohort=small.cohort, mentor=small.mentees[1], mentee=small.mentees[0], kind="pin", by=small.admin
        )


def test_swap_exchanges_mentors_and_rescores_both_pairs(small):
    first, second = small.run.pairings.order_by("mentee__person__full_name")
    old = {first.mentee_id: first.mentor_id, second.mentee_id: second.mentor_id}
    review.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.mentor_id == old[second.mentee_id] and second.mentor_id == old[first.mentee_id]
    assert first.explanation and second.explanation
    small.run.refresh_from_db()
    assert small.run.quality["lowest_score"] == min(first.score, second.score)


def test_swap_is_refused_on_a_published_run(small):
    first, second = small.run.pairings.all()
    match_run_publish(run=small.run, by=small.admin)
    with pytest.raises(ValidationError, match="current proposal"):
        review.pairings_swap(run=small.run, first=first, second=second, by=small.admin)


def test_swap_is_refused_when_it_pairs_someone_with_their_manager(small):
    first, second = small.run.pairings.select_related("mentee__person").all()
    second.mentee.person.manager = first.mentor.person
    second.mentee.person.save()
    with pytest.raises(ValidationError, match="rules do not allow"):
        review.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
    first.refresh_from_db()
    assert first.mentor_id != second.mentor_id


def test_swap_is_refused_when_it_breaks_a_pin_or_makes_a_forbidden_pair(small):
    first, second = small.run.pairings.all()
    review.pair_rule_set(
        cohort=small.cohort, mentor=first.mentor, mentee=first.mentee, kind="pin", by=small.admin
    )
    with pytest.raises(ValidationError, match="pinned"):
        review.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
    review.pair_rule_clear(cohort=small.cohort, mentor=first.mentor, mentee=first.mentee, by=small.admin)
    review.pair_rule_set(
        cohort=small.cohort, mentor=second.mentor, mentee=first.mentee, kind="forbid", by=small.admin
    )
    with pytest.raises(ValidationError, match="forbidden"):
        review.pairings_swap(run=small.run, first=first, second=second, by=small.admin)


def test_a_queued_run_is_matched_once_and_points_at_its_result(small, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        placeholder = review.match_run_queue(cohort=small.cohort, by=small.admin)
    placeholder.refresh_from_db()
    result_id = review.result_run_id(placeholder)
    assert placeholder.status == MatchRun.Status.SUPERSEDED and placeholder.progress == 100
    result = MatchRun.objects.get(pk=result_id)
    assert result.status == MatchRun.Status.PROPOSED and result.pairings.count() == 2

    # A duplicate message finds the placeholder claimed and makes no second run.
    assert tasks.run_matching(placeholder.pk) is None
    assert MatchRun.objects.filter(cohort=small.cohort, status=MatchRun.Status.PROPOSED).count() == 1


def test_a_queued_run_on_a_cohort_that_cannot_match_fails_with_the_reason(small):
    placeholder = MatchRun.objects.create(
        cohort=small.cohort, created_by=small.admin, status=MatchRun.Status.RUNNING, progress=0
    )
    small.run.delete()
    Enrolment.objects.filter(cohort=small.cohort, role=Enrolment.Role.MENTOR).delete()
    review.match_run_from_placeholder(run_id=placeholder.pk)
    placeholder.refresh_from_db()
    assert placeholder.status == MatchRun.Status.FAILED
    assert "mentor" in placeholder.quality["error"]


def test_queueing_is_refused_on_an_active_cohort(small):
    match_run_publish(run=small.run, by=small.admin)
    small.cohort.refresh_from_db()
    with pytest.raises(ValidationError, match="enrolling or matching"):
        review.match_run_queue(cohort=small.cohort, by=small.admin)


def test_publish_emails_each_person_once_even_if_the_task_runs_twice(small):
    match_run_publish(run=small.run, by=small.admin)
    assert tasks.notify_published(small.run.pk) == 4
    assert tasks.notify_published(small.run.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        e.person.email for e in small.mentors + small.mentees
    )
    mentee_mail = next(m for m in mail.outbox if m.to == [small.mentees[0].person.email])
    pairing = small.run.pairings.get(mentee=small.mentees[0])
    assert mentee_mail.subject == f"Meet your mentor: {pairing.mentor.person.full_name}"
    assert pairing.explanation[0] in mentee_mail.body
    assert pairing.get_absolute_url() in mentee_mail.alternatives[0][0]
    mentor_mail = next(m for m in mail.outbox if m.to == [pairing.mentor.person.email])
    assert small.mentees[0].person.full_name in mentor_mail.body


def test_a_run_that_is_not_published_sends_nothing(small):
    assert tasks.notify_published(small.run.pk) == 0
    assert mail.outbox == []


def test_swap_updates_the_share_of_mentees_with_a_top3_mentor(db, admin_user):
    cohort = CohortFactory(state=Cohort.State.ENROLLING)
    tags = {name: Tag.objects.create(name=name) for name in ("x", "y", "z", "w")}

    def person(role, name, *interests):
        enrolment = enrol(cohort, role, name)
        enrolment.person.interests.set([tags[t] for t in interests])
        return enrolment

    ada = person(Enrolment.Role.MENTEE, "Ada", "x")
    bo = person(Enrolment.Role.MENTEE, "Bo", "y")
    # Ada's mentors by interest overlap: M1 (all), M3 (half), M4 (a third), M2 (none).
    m1, m2 = person(Enrolment.Role.MENTOR, "M1", "x"), person(Enrolment.Role.MENTOR, "M2", "y")
    person(Enrolment.Role.MENTOR, "M3", "x", "z")
    person(Enrolment.Role.MENTOR, "M4", "x", "z", "w")
    run = match_run_create(cohort=cohort, by=admin_user)
    assert set(run.pairings.values_list("mentee_id", "mentor_id")) == {(ada.pk, m1.pk), (bo.pk, m2.pk)}
    assert run.quality["share_top3"] == 1.0

    first, second = run.pairings.order_by("mentee__person__full_name")
    review.pairings_swap(run=run, first=first, second=second, by=admin_user)
    run.refresh_from_db()
    # Ada now has her worst mentor; Bo's options all tie, so any mentor is in his top 3.
    assert run.quality["share_top3"] == 0.5
