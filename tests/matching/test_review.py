"""Review services: pin, forbid, clear, swap, matching in the background, and the publish emails."""

import datetime
import types

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching import services, tasks
from matching.models import MatchRun, PairRule
from matching.services import match_run_create, match_run_publish
from outbox.models import Message
from outbox.services import message_id_header
from outbox.tasks import send_message
from people.models import Tag
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory

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
    services.pair_rule_set(cohort=small.cohort, mentor=a, mentee=mentee, kind="pin", by=small.admin)
    services.pair_rule_set(cohort=small.cohort, mentor=b, mentee=mentee, kind="pin", by=small.admin)
    assert list(PairRule.objects.values_list("mentor_id", "kind")) == [(b.pk, "pin")]

    services.pair_rule_set(cohort=small.cohort, mentor=b, mentee=mentee, kind="forbid", by=small.admin)
    assert list(PairRule.objects.values_list("mentor_id", "kind")) == [(b.pk, "forbid")]


def test_clear_removes_the_rule_of_that_pair_only(small):
    a, b = small.mentors
    mentee = small.mentees[0]
    services.pair_rule_set(cohort=small.cohort, mentor=a, mentee=mentee, kind="pin", by=small.admin)
    services.pair_rule_set(cohort=small.cohort, mentor=b, mentee=mentee, kind="forbid", by=small.admin)
    assert services.pair_rule_clear(cohort=small.cohort, mentor=b, mentee=mentee, by=small.admin) == 1
    assert list(PairRule.objects.values_list("mentor_id", "kind")) == [(a.pk, "pin")]
    assert services.pair_rule_clear(cohort=small.cohort, mentor=b, mentee=mentee, by=small.admin) == 0


def test_pinning_someone_to_their_own_manager_is_refused(small):
    boss = enrol(small.cohort, Enrolment.Role.MENTOR, "Boss")
    report = enrol(small.cohort, Enrolment.Role.MENTEE, "Report", manager=boss.person)
    with pytest.raises(ValidationError, match="manager"):
        services.pair_rule_set(cohort=small.cohort, mentor=boss, mentee=report, kind="pin", by=small.admin)
    # Forbidding the same pair is harmless.
    services.pair_rule_set(cohort=small.cohort, mentor=boss, mentee=report, kind="forbid", by=small.admin)


def test_a_rule_needs_a_mentor_and_a_mentee_of_the_cohort(small):
    stranger = EnrolmentFactory(role=Enrolment.Role.MENTOR)
    with pytest.raises(ValidationError, match="enrolled in this cohort"):
        services.pair_rule_set(
            cohort=small.cohort, mentor=stranger, mentee=small.mentees[0], kind="pin", by=small.admin
        )
    with pytest.raises(ValidationError, match="Choose a mentor and a mentee"):
        services.pair_rule_set(
            cohort=small.cohort, mentor=small.mentees[1], mentee=small.mentees[0], kind="pin", by=small.admin
        )


def test_swap_exchanges_mentors_and_rescores_both_pairs(small):
    first, second = small.run.pairings.order_by("mentee__person__full_name")
    old = {first.mentee_id: first.mentor_id, second.mentee_id: second.mentor_id}
    services.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
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
        services.pairings_swap(run=small.run, first=first, second=second, by=small.admin)


def test_swap_is_refused_when_it_pairs_someone_with_their_manager(small):
    first, second = small.run.pairings.select_related("mentee__person").all()
    second.mentee.person.manager = first.mentor.person
    second.mentee.person.save()
    with pytest.raises(ValidationError) as refused:
        services.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
    # The refusal names the pair it would make and the rule that pair breaks.
    assert refused.value.messages == [
        f"The swap would pair {second.mentee.person.full_name} with {first.mentor.person.full_name}, "
        "which this cohort's rules do not allow: the mentor is in their management chain."
    ]
    first.refresh_from_db()
    assert first.mentor_id != second.mentor_id


def test_a_refused_swap_names_every_rule_the_pair_breaks(small):
    first, second = small.run.pairings.select_related("mentee__person", "mentor__person").order_by("pk")
    Cohort.objects.filter(pk=small.cohort.pk).update(min_tenure_gap_days=365)
    first.mentor.person.hire_date = second.mentee.person.hire_date
    first.mentor.person.save()
    with pytest.raises(ValidationError) as refused:
        services.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
    assert refused.value.messages == [
        f"The swap would pair {second.mentee.person.full_name} with {first.mentor.person.full_name}, "
        "which this cohort's rules do not allow: less than 365 days' extra tenure."
    ]


def test_swap_is_refused_when_it_breaks_a_pin_or_makes_a_forbidden_pair(small):
    first, second = small.run.pairings.all()
    services.pair_rule_set(
        cohort=small.cohort, mentor=first.mentor, mentee=first.mentee, kind="pin", by=small.admin
    )
    with pytest.raises(
        ValidationError, match=f"is pinned to {first.mentor.person.full_name}, so cannot have"
    ):
        services.pairings_swap(run=small.run, first=first, second=second, by=small.admin)
    services.pair_rule_clear(cohort=small.cohort, mentor=first.mentor, mentee=first.mentee, by=small.admin)
    services.pair_rule_set(
        cohort=small.cohort, mentor=second.mentor, mentee=first.mentee, kind="forbid", by=small.admin
    )
    with pytest.raises(ValidationError, match="forbidden"):
        services.pairings_swap(run=small.run, first=first, second=second, by=small.admin)


def test_a_queued_run_is_matched_once_into_its_own_row(small, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_queue(cohort=small.cohort, by=small.admin)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.PROPOSED and run.pairings.count() == 2
    assert run.started_at and run.finished_at and run.error == ""
    small.run.refresh_from_db()
    assert small.run.status == MatchRun.Status.SUPERSEDED

    # A duplicate message finds the run claimed and makes no second proposal.
    assert tasks.run_matching(run.pk) is None
    assert MatchRun.objects.filter(cohort=small.cohort, status=MatchRun.Status.PROPOSED).count() == 1


def queued(cohort, by, *, minutes_left=30):
    now = timezone.now()
    return MatchRun.objects.create(
        cohort=cohort,
        created_by=by,
        status=MatchRun.Status.QUEUED,
        lease_expires_at=now + datetime.timedelta(minutes=minutes_left),
    )


def test_a_queued_run_on_a_cohort_that_cannot_match_fails_with_the_reason(small):
    run = queued(small.cohort, small.admin)
    small.run.delete()
    Enrolment.objects.filter(cohort=small.cohort, role=Enrolment.Role.MENTOR).delete()
    services.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and run.finished_at
    assert "mentor" in run.error


def test_a_run_whose_worker_died_fails_after_its_lease_and_matching_can_start_again(small, settings):
    # The worker claimed the run (RUNNING) and died: nothing will ever finish it.
    run = queued(small.cohort, small.admin)
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, started_at=timezone.now())
    with pytest.raises(ValidationError, match="already running"):
        services.match_run_queue(cohort=small.cohort, by=small.admin)

    assert services.match_runs_expire(now=timezone.now()) == 0  # the lease still holds
    later = timezone.now() + datetime.timedelta(minutes=31)
    assert tasks.expire_stale_runs.run() == 0
    assert services.match_runs_expire(now=later) == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and "Start matching again" in run.error
    assert run.finished_at == later

    # A late message for the dead run does nothing; a new run can start.
    assert services.match_run_execute(run_id=run.pk) is None
    again = services.match_run_queue(cohort=small.cohort, by=small.admin)
    assert again.status == MatchRun.Status.QUEUED


def test_a_run_page_marks_a_run_past_its_lease_failed_on_read(client, small):
    run = queued(small.cohort, small.admin, minutes_left=-1)
    client.force_login(small.admin)
    response = client.get(run.get_absolute_url())
    assert response.status_code == 302 and response.url == small.cohort.get_absolute_url()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED


def test_a_run_that_outlives_its_lease_keeps_no_proposal(small):
    run = queued(small.cohort, small.admin)
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.RUNNING, started_at=timezone.now())
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED, error="Lease ran out.")
    run.status = MatchRun.Status.RUNNING
    with pytest.raises(ValidationError, match="lease"):
        match_run_create(cohort=small.cohort, by=small.admin, run=run)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and not run.pairings.exists()


def test_queueing_is_refused_on_an_active_cohort(small):
    match_run_publish(run=small.run, by=small.admin)
    small.cohort.refresh_from_db()
    with pytest.raises(ValidationError, match="enrolling or matching"):
        services.match_run_queue(cohort=small.cohort, by=small.admin)


def test_publish_emails_each_person_once_even_if_the_send_tasks_run_twice(
    working_hours, small, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match_run_publish(run=small.run, by=small.admin)
    messages = Message.objects.filter(kind__startswith="match_published")
    assert messages.count() == 4
    assert not any(send_message(m.pk) for m in messages)  # redelivered tasks: already sent
    # People here have no login yet: the match email carries their activation link, no second email.
    assert len(mail.outbox) == 4
    assert all("/accounts/activate/" in m.body for m in mail.outbox)
    ids = {message_id_header(m) for m in messages}
    published_mail = [m for m in mail.outbox if m.extra_headers["Message-ID"] in ids]
    assert len(published_mail) == 4
    assert sorted(m.to[0] for m in published_mail) == sorted(
        e.person.email for e in small.mentors + small.mentees
    )
    mentee_mail = next(m for m in published_mail if m.to == [small.mentees[0].person.email])
    pairing = small.run.pairings.get(mentee=small.mentees[0])
    assert mentee_mail.subject == f"Meet your mentor: {pairing.mentor.person.full_name}"
    # Nobody here finished a profile: the email gives no placeholder reasons, only a neutral line.
    assert pairing.explanation[0] == "Work styles not known yet"
    for email in published_mail:
        assert "not known yet" not in email.body and "No shared interests" not in email.body
        assert "not known yet" not in email.alternatives[0][0]
    assert "paired you from what you both shared" in mentee_mail.body
    assert pairing.get_absolute_url() in mentee_mail.alternatives[0][0]
    mentor_mail = next(m for m in published_mail if m.to == [pairing.mentor.person.email])
    assert small.mentees[0].person.full_name in mentor_mail.body


def test_a_run_refused_publication_owes_no_email(small):
    small.run.status = MatchRun.Status.SUPERSEDED
    small.run.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        match_run_publish(run=small.run, by=small.admin)
    assert not Message.objects.exists()


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
    services.pairings_swap(run=run, first=first, second=second, by=admin_user)
    run.refresh_from_db()
    # Ada now has her worst mentor; Bo's options all tie, so any mentor is in his top 3.
    assert run.quality["share_top3"] == 0.5


def test_queueing_with_the_broker_down_still_answers_and_the_run_fails_after_its_lease(
    small, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.run_matching, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.match_run_queue(cohort=small.cohort, by=small.admin)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.QUEUED  # recorded; the message was lost, not the request
    assert services.match_runs_expire(now=run.lease_expires_at) == 1
    run.refresh_from_db()
    assert run.is_failed


@pytest.mark.parametrize("pairs", [2, 20])
def test_publish_emails_are_written_in_a_fixed_number_of_queries(world, pairs, django_assert_num_queries):
    from matching.emails import match_run_emails_owe
    from tests.emails import tell_broadcasts
    from tests.factories import MatchRunFactory, PairingFactory

    run = MatchRunFactory(cohort=world.cohort)
    for _ in range(pairs):
        pairing = PairingFactory(match_run=run)
        for person in pairing.members():  # who has a login is told without a fresh activation link
            person.user = UserFactory()
            person.save(update_fields=["user"])

    # In the request: count the pairs and mentors, look for the broadcast, INSERT it (a savepoint).
    with django_assert_num_queries(5):
        match_run_emails_owe(run=run)
    # After commit, the worker: claim, read it, the run; the mentees' chunk (the pairs with both
    # people, notify_many's queries, renew the claim); the mentors' chunk (the mentors, their
    # pairs, notify_many's, renew); done. (A chunk shorter than CHUNK is the last.)
    with django_assert_num_queries(32):
        assert tell_broadcasts() == 1
    assert Message.objects.filter(kind="match_published").count() == pairs * 2
