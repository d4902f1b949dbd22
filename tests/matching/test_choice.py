"""Mentee-choice mode: suggestions, requests, accept/decline/withdraw, capacity under races, emails."""

import datetime
import threading
import types

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from matching import emails, selectors, services
from matching.models import MatchRun, MentorRequest, Pairing
from outbox.models import Message
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory

# Lifecycle emails wait for working hours: these tests read what was sent.
pytestmark = pytest.mark.usefixtures("working_hours")


def build_choice(world, *, omar_capacity=1, lin_capacity=1):
    """A choice-mode cohort in the matching state with the world's people: mentors Omar and Lin,
    mentees Ada and Bo (nobody paired yet)."""
    cohort = CohortFactory(
        name="Choice 2027",
        state=Cohort.State.MATCHING,
        matching_mode=Cohort.MatchingMode.CHOICE,
        max_mentees_per_mentor=3,
    )
    omar = EnrolmentFactory(
        cohort=cohort, person=world.mentor, role=Enrolment.Role.MENTOR, capacity=omar_capacity
    )
    lin = EnrolmentFactory(
        cohort=cohort, person=world.mentor2, role=Enrolment.Role.MENTOR, capacity=lin_capacity
    )
    # Mentees choose once their profile is finished (suggestions rest on it).
    done = world.run.published_at
    ada = EnrolmentFactory(
        cohort=cohort, person=world.mentee, goals="Handle angry billing customers", profile_completed_at=done
    )
    bo = EnrolmentFactory(
        cohort=cohort, person=world.mentee2, goals="Faster triage", profile_completed_at=done
    )
    return types.SimpleNamespace(cohort=cohort, omar=omar, lin=lin, ada=ada, bo=bo)


def add_mentors(cohort, n, *, capacity=2):
    return [
        EnrolmentFactory(
            cohort=cohort,
            person=PersonFactory(hire_date=datetime.date(2019, 1, 7)),
            role=Enrolment.Role.MENTOR,
            capacity=capacity,
        )
        for _ in range(n)
    ]


@pytest.fixture
def c(world):
    return build_choice(world)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit work (the email tasks) as it is queued."""

    def run(fn, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(**kwargs)

    return run


# --- suggestions ----------------------------------------------------------------------------------


def test_suggestions_are_allowed_mentors_with_a_free_place_best_first(c, world):
    ranked = selectors.suggestions(c.ada)
    assert [s.enrolment for s in ranked] == [c.omar, c.lin]  # Omar shares Ada's style and interests
    assert ranked[0].score >= ranked[1].score
    assert ranked[0].explanation and all(isinstance(line, str) for line in ranked[0].explanation)
    assert ranked[0].free_slots == 1


def test_suggestions_stop_at_five(c):
    add_mentors(c.cohort, 6)
    assert len(selectors.suggestions(c.ada)) == selectors.SUGGESTIONS == 5


def test_suggestions_leave_out_a_full_mentor_and_ones_who_declined(c, world):
    Pairing.objects.create(
        cohort=c.cohort,
        match_run=MatchRun.objects.create(
            cohort=c.cohort, status="published", published_at=world.run.published_at
        ),
        mentor=c.lin,
        mentee=c.bo,
        score=50,
        status=Pairing.Status.ACTIVE,
        started_on=world.today,
    )
    MentorRequest.objects.create(cohort=c.cohort, mentee=c.ada, mentor=c.omar, status="declined")
    assert selectors.suggestions(c.ada) == []


def test_suggestions_leave_out_the_mentees_own_manager(c, world):
    boss = EnrolmentFactory(cohort=c.cohort, person=world.manager, role=Enrolment.Role.MENTOR, capacity=2)
    assert boss not in [s.enrolment for s in selectors.suggestions(c.ada)]


# --- asking ---------------------------------------------------------------------------------------


def test_mentee_asks_a_mentor_who_is_emailed_once(c, world, on_commit):
    request = on_commit(services.mentor_request_create, mentee=c.ada, mentor=c.omar, by=world.mentee.user)
    assert request.status == MentorRequest.Status.REQUESTED
    assert request.score > 0 and request.explanation
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.mentor.email]
    assert "Ada Mentee would like you as their mentor" in mail.outbox[0].subject
    assert "Handle angry billing customers" in mail.outbox[0].body


def test_a_second_open_request_is_refused(c, world):
    services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    with pytest.raises(ValidationError, match="already asked Omar Mentor"):
        services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)
    assert MentorRequest.objects.filter(mentee=c.ada).count() == 1


def test_a_paired_mentee_cannot_ask(c, world, on_commit):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    services.mentor_request_accept(mentor_request=request, by=None)
    with pytest.raises(ValidationError, match="already have a mentor: Omar Mentor"):
        services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)


@pytest.mark.parametrize(
    ("mode", "state", "message"),
    [
        (Cohort.MatchingMode.ASSIGNED, Cohort.State.MATCHING, "assigns mentors"),
        (Cohort.MatchingMode.CHOICE, Cohort.State.ENROLLING, "matching or active"),
        (Cohort.MatchingMode.CHOICE, Cohort.State.CLOSED, "matching or active"),
    ],
)
def test_asking_is_refused_outside_choice_mode_or_state(c, mode, state, message):
    Cohort.objects.filter(pk=c.cohort.pk).update(matching_mode=mode, state=state)
    c.ada.cohort.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)


def test_a_mentor_who_is_not_suggested_cannot_be_asked(c, world):
    boss = EnrolmentFactory(cohort=c.cohort, person=world.manager, role=Enrolment.Role.MENTOR, capacity=2)
    with pytest.raises(ValidationError, match="cannot ask this mentor"):
        services.mentor_request_create(mentee=c.ada, mentor=boss, by=None)


def test_two_mentees_may_ask_the_same_mentor(c):
    services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    services.mentor_request_create(mentee=c.bo, mentor=c.omar, by=None)
    assert MentorRequest.objects.filter(mentor=c.omar, status="requested").count() == 2


# --- accepting and declining ----------------------------------------------------------------------


def test_accept_makes_an_active_pairing_in_a_published_run_and_emails_the_mentee_once(c, world, on_commit):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    mail.outbox.clear()
    pairing = on_commit(services.mentor_request_accept, mentor_request=request, by=world.mentor.user)

    assert pairing.status == Pairing.Status.ACTIVE
    assert pairing.started_on is not None
    assert (pairing.mentor, pairing.mentee) == (c.omar, c.ada)
    assert pairing.score == request.score and pairing.explanation == request.explanation
    assert pairing.match_run.status == MatchRun.Status.PUBLISHED
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.ACCEPTED and request.decided_at
    assert [m.to for m in mail.outbox] == [[world.mentee.email]]
    assert "Omar Mentor is your mentor" in mail.outbox[0].subject

    with pytest.raises(ValidationError, match="no longer open"):
        on_commit(services.mentor_request_accept, mentor_request=request, by=world.mentor.user)
    assert len(mail.outbox) == 1
    assert Pairing.objects.filter(cohort=c.cohort).count() == 1


def test_filling_the_last_place_closes_the_other_requests_with_the_reason(c, world, on_commit):
    first = services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)
    second = services.mentor_request_create(mentee=c.bo, mentor=c.lin, by=None)
    mail.outbox.clear()
    on_commit(services.mentor_request_accept, mentor_request=first, by=world.mentor2.user)

    second.refresh_from_db()
    assert second.status == MentorRequest.Status.CLOSED
    assert second.reason == "Lin Mentor has no free place any more; pick another mentor."
    closed_mail = next(m for m in mail.outbox if m.to == [world.mentee2.email])
    assert "Lin Mentor has no free place any more; pick another mentor." in closed_mail.body
    # Bo is free to ask someone else; Lin, full, is not suggested while she is full.
    assert [s.enrolment for s in selectors.suggestions(c.bo)] == [c.omar]
    services.mentor_request_create(mentee=c.bo, mentor=c.omar, by=None)

    # Lin, who lost the race for her own last place, reads a message meant for a mentor.
    with pytest.raises(services.NoFreePlace) as refused:
        services.mentor_request_accept(mentor_request=second, by=world.mentor2.user)
    assert "Your places are all taken, so Bo Mentee's request has been closed" in refused.value.messages[0]
    assert "pick another mentor" not in refused.value.messages[0]


def test_accept_when_full_closes_the_request_and_says_why(c, world, on_commit):
    """A place can also go another way (an admin's re-match): the accept is then refused, and the
    request is closed, so the mentee can ask someone else."""
    request = services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)
    other = EnrolmentFactory(cohort=c.cohort)
    Pairing.objects.create(
        cohort=c.cohort,
        match_run=MatchRun.objects.create(
            cohort=c.cohort, status="published", published_at=world.run.published_at
        ),
        mentor=c.lin,
        mentee=other,
        score=50,
        status=Pairing.Status.ACTIVE,
        started_on=world.today,
    )
    mail.outbox.clear()
    with pytest.raises(services.NoFreePlace):
        on_commit(services.mentor_request_accept, mentor_request=request, by=world.mentor2.user)
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.CLOSED
    assert [m.to for m in mail.outbox] == [[world.mentee.email]]
    assert "not a no from Lin Mentor" in mail.outbox[0].body
    assert selectors.request_refusal(c.ada) is None


def test_decline_with_a_note_emails_the_mentee_once_and_frees_them(c, world, on_commit):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    mail.outbox.clear()
    on_commit(
        services.mentor_request_decline, mentor_request=request, note="  On leave until March ", by=None
    )
    assert [m.to for m in mail.outbox] == [[world.mentee.email]]
    assert "On leave until March" in mail.outbox[0].body
    with pytest.raises(ValidationError, match="no longer open"):
        on_commit(services.mentor_request_decline, mentor_request=request, by=None)
    assert len(mail.outbox) == 1
    assert selectors.request_refusal(c.ada) is None


def test_withdraw_frees_the_mentee_and_a_decided_request_cannot_be_withdrawn(c):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    services.mentor_request_withdraw(mentor_request=request, by=None)
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.WITHDRAWN
    again = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    services.mentor_request_decline(mentor_request=again, by=None)
    with pytest.raises(ValidationError, match="no longer open"):
        services.mentor_request_withdraw(mentor_request=again, by=None)


def test_each_decision_is_emailed_once_even_if_recorded_twice(c, world, on_commit):
    request = on_commit(services.mentor_request_create, mentee=c.ada, mentor=c.omar, by=None)
    # A retry of the same transition records nothing new: the key is the request and its decision.
    on_commit(emails.mentor_request_email_owe, mentor_request=request, kind="requested")
    assert [m.to for m in mail.outbox] == [[world.mentor.email]]
    assert Message.objects.filter(key=f"mentor-request:{request.pk}:requested").count() == 1


def test_overview_groups_requests_and_lists_mentees_without_one(c):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    overview = selectors.cohort_overview(c.cohort)
    assert overview.by_status["requested"] == [request]
    assert overview.counts == {"requested": 1, "accepted": 0, "declined": 0, "withdrawn": 0, "closed": 0}
    assert overview.without_request == [c.bo]


# --- settling: every change to an enrolment or a capacity settles the requests it touches ----------


def test_publishing_a_match_run_settles_the_open_requests_it_pairs(c, world, on_commit):
    """A mentee used to be told "meet your mentor" by the run and seconds later "cannot take you on"
    by the mentor they had asked, who was filled by the run."""
    asked = services.mentor_request_create(mentee=c.bo, mentor=c.omar, by=None)
    run = services.match_run_create(cohort=c.cohort, by=world.admin)
    mail.outbox.clear()
    on_commit(services.match_run_publish, run=run, by=world.admin)

    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.CLOSED
    assert not MentorRequest.objects.filter(cohort=c.cohort, status="requested").exists()
    # Bo hears only from the run ("meet your mentor"), never a "cannot take you on".
    assert all("cannot" not in m.subject and "closed" not in m.subject for m in mail.outbox)
    with pytest.raises(ValidationError, match="Bo Mentee already has a mentor"):
        services.mentor_request_accept(mentor_request=asked, by=world.mentor.user)


def test_a_mentee_who_withdraws_from_the_cohort_leaves_no_open_request(c, world, on_commit):
    from enrolment.services import enrolment_withdraw

    asked = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    mail.outbox.clear()
    on_commit(enrolment_withdraw, enrolment=c.ada, reason="Changed team")
    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.CLOSED
    assert list(selectors.requests_for_mentor(world.mentor.user).filter(status="requested")) == []
    assert mail.outbox == []  # the mentee left; nobody is told to choose again


def test_a_mentor_who_withdraws_closes_the_requests_and_each_mentee_is_sent_to_choose_again(
    c, world, on_commit, client
):
    from enrolment.services import enrolment_withdraw

    asked = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    mail.outbox.clear()
    on_commit(enrolment_withdraw, enrolment=c.omar, reason="On leave")
    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.CLOSED
    assert "Omar Mentor is no longer mentoring in Choice 2027" in asked.reason
    [email] = mail.outbox
    assert email.to == [world.mentee.email]
    link = next(line for line in email.body.splitlines() if line.startswith("http"))
    client.force_login(world.mentee.user)
    assert client.get(link.replace("http://testserver", "")).status_code == 200  # not a 404
    assert [s.enrolment for s in selectors.suggestions(c.ada)] == [c.lin]


def test_a_mentee_closed_out_for_want_of_a_place_sees_the_mentor_again_once_a_place_frees(c, world):
    first = services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)
    services.mentor_request_create(mentee=c.bo, mentor=c.lin, by=None)
    services.mentor_request_accept(mentor_request=first, by=world.mentor2.user)
    assert c.lin not in [s.enrolment for s in selectors.suggestions(c.bo)]

    Enrolment.objects.filter(pk=c.lin.pk).update(capacity=2)
    assert c.lin in [s.enrolment for s in selectors.suggestions(c.bo)]
    again = services.mentor_request_create(mentee=c.bo, mentor=c.lin, by=None)
    assert services.mentor_request_accept(mentor_request=again, by=world.mentor2.user).mentee == c.bo


def test_a_mentors_own_decline_is_final(c, world):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    services.mentor_request_decline(mentor_request=request, note="Not my area", by=None)
    Enrolment.objects.filter(pk=c.omar.pk).update(capacity=3)
    assert c.omar not in [s.enrolment for s in selectors.suggestions(c.ada)]
    request.refresh_from_db()
    assert request.reason == "Not my area"


def test_accepts_gather_in_one_published_choice_run(c, world):
    for mentee, mentor in ((c.ada, c.omar), (c.bo, c.lin)):
        request = services.mentor_request_create(mentee=mentee, mentor=mentor, by=None)
        services.mentor_request_accept(mentor_request=request, by=None)
    [run] = MatchRun.objects.filter(cohort=c.cohort)
    assert run.kind == MatchRun.Kind.CHOICE and run.is_published and run.pairings.count() == 2


def test_a_choice_cohort_goes_active_without_a_match_run(c, world):
    from programmes.services import cohort_transition

    cohort = cohort_transition(cohort=c.cohort, to=Cohort.State.ACTIVE, by=world.admin)
    assert cohort.state == Cohort.State.ACTIVE and not MatchRun.objects.filter(cohort=c.cohort).exists()
    # Mentees still choose once it is active.
    c.ada.cohort.refresh_from_db()
    assert selectors.request_refusal(c.ada) is None


def test_a_mentee_with_an_unfinished_profile_is_offered_nobody_and_cannot_ask(c, world, client):
    Enrolment.objects.filter(pk=c.ada.pk).update(profile_completed_at=None)
    c.ada.refresh_from_db()
    with pytest.raises(ValidationError, match="Finish your profile first"):
        services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    client.force_login(world.mentee.user)
    page = client.get(reverse("choice:suggestions", args=[c.ada.pk])).text
    assert "Finish your profile first" in page and "Ask Omar Mentor" not in page
    assert reverse("enrolment:profile", args=[c.ada.pk]) in page


def test_mentors_scoring_zero_are_not_suggested_and_cannot_be_asked(c, world):
    Cohort.objects.filter(pk=c.cohort.pk).update(weight_work_style=0, weight_interests=100, weight_goals=0)
    c.ada.cohort.refresh_from_db()
    # Ada shares interests with Omar only: Lin scores 0 for her.
    ranked = selectors.suggestions(c.ada, limit=None)
    assert [s.enrolment for s in ranked] == [c.omar] and all(s.score > 0 for s in ranked)
    with pytest.raises(ValidationError, match="cannot ask this mentor"):
        services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)


# --- concurrency (PostgreSQL: SQLite has no row locks) --------------------------------------------


def _race(targets):
    start = threading.Barrier(len(targets))
    results, errors = [], []

    def run(fn):
        try:
            start.wait()
            results.append(fn())
        except services.NoFreePlace as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_mentor_accepting_two_requests_at_once_for_the_last_place_pairs_exactly_one(world):
    c = build_choice(world, lin_capacity=1)
    first = services.mentor_request_create(mentee=c.ada, mentor=c.lin, by=None)
    second = services.mentor_request_create(mentee=c.bo, mentor=c.lin, by=None)
    mail.outbox.clear()
    by = UserFactory(username="mentor2")

    results, errors = _race(
        [
            lambda: services.mentor_request_accept(mentor_request=first, by=by),
            lambda: services.mentor_request_accept(mentor_request=second, by=by),
        ]
    )

    assert len(results) == 1 and len(errors) == 1
    # Lin lost the race for her own last place: the message is worded for her, not for a mentee.
    assert "Your places are all taken, so " in errors[0].messages[0]
    assert "pick another mentor" not in errors[0].messages[0]
    assert Pairing.objects.filter(cohort=c.cohort, mentor=c.lin, status="active").count() == 1
    statuses = sorted(MentorRequest.objects.filter(mentor=c.lin).values_list("status", flat=True))
    assert statuses == ["accepted", "closed"]
    loser = MentorRequest.objects.get(mentor=c.lin, status="closed")
    assert (
        selectors.request_refusal(Enrolment.objects.select_related("cohort").get(pk=loser.mentee_id)) is None
    )
    # One email per mentee: the winner's acceptance, the loser's closed request with the reason.
    assert sorted(m.subject for m in mail.outbox) == [
        "Lin Mentor is your mentor",
        "Your request to Lin Mentor was closed: choose another mentor",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accepts_for_mentors_with_room_all_succeed_at_once(world):
    """Two requests to the same mentor with two free places: the lock serialises, it does not refuse."""
    c = build_choice(world, omar_capacity=2)
    first = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    second = services.mentor_request_create(mentee=c.bo, mentor=c.omar, by=None)

    results, errors = _race(
        [
            lambda: services.mentor_request_accept(mentor_request=first, by=None),
            lambda: services.mentor_request_accept(mentor_request=second, by=None),
        ]
    )

    assert errors == [] and len(results) == 2
    assert Pairing.objects.filter(cohort=c.cohort, mentor=c.omar, status="active").count() == 2


def test_a_request_from_a_mentee_who_left_the_cohort_cannot_be_accepted(c):
    request = services.mentor_request_create(mentee=c.ada, mentor=c.omar, by=None)
    Enrolment.objects.filter(pk=c.ada.pk).update(status=Enrolment.Status.WITHDRAWN)
    with pytest.raises(ValidationError, match="no longer enrolled"):
        services.mentor_request_accept(mentor_request=request, by=None)
    assert not Pairing.objects.filter(cohort=c.cohort).exists()
