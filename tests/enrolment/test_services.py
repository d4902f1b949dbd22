import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from enrolment import selectors, services
from enrolment.models import Invitation
from outbox.models import Message
from outbox.tasks import send_message
from people.models import Person
from programmes.models import Cohort, Enrolment
from tests.enrolment.conftest import active_mentor, days_ago, waitlisted
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, ProgrammeFactory

# --- invitations -------------------------------------------------------------------------------


def test_invitations_are_created_skipped_with_reasons_and_emailed_once_each(
    world, open_cohort, django_capture_on_commit_callbacks
):
    PersonFactory(user=world.admin, full_name="Priya Shah")
    new = PersonFactory(full_name="Nia New")
    enrolled = EnrolmentFactory(cohort=open_cohort).person
    no_email = PersonFactory(full_name="Ed Noemail", email="")
    Invitation.objects.create(
        cohort=open_cohort, email=world.outsider.email, role="mentee", person=world.outsider
    )

    with django_capture_on_commit_callbacks(execute=True):
        created, skipped = services.invitation_send(
            cohort=open_cohort,
            people=[new, enrolled, no_email, world.outsider],
            role="mentee",
            by=world.admin,
        )

    assert [i.person for i in created] == [new]
    assert skipped == [
        f"{enrolled.full_name} is already enrolled.",
        "Ed Noemail has no email address.",
        "Sam Outsider was already invited.",
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [new.email]
    assert "Spring 2027" in message.subject and "mentee" in message.subject
    assert "http://testserver/enrol/invitation/" in message.body
    # Who invited them, by full name (never a login name), and the invited person by first name.
    assert f"Hi {new.first_name}," in message.body
    assert "Priya Shah, who runs Support mentoring, has invited you" in message.body
    created[0].refresh_from_db()
    assert created[0].sent_at is not None


def test_invitations_are_refused_once_the_cohort_is_active(world):
    with pytest.raises(ValidationError, match="only join while it is in draft, enrolling or matching"):
        services.invitation_send(cohort=world.cohort, people=[world.outsider], role="mentee", by=world.admin)
    assert not Invitation.objects.exists()


def test_invitation_email_is_sent_once_even_if_its_send_task_runs_twice(
    world, open_cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_send(cohort=open_cohort, people=[world.outsider], role="mentor", by=world.admin)
    (message,) = Message.objects.filter(kind="invitation")
    assert send_message(message.pk) is False  # a redelivered task: already sent
    assert len(mail.outbox) == 1
    assert message.cohort_id == open_cohort.pk


def test_resending_issues_a_fresh_link_but_not_after_acceptance(
    world, open_cohort, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.create(
        cohort=open_cohort,
        email=world.outsider.email,
        role="mentee",
        person=world.outsider,
        sent_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation)
    assert len(mail.outbox) == 1
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    with pytest.raises(ValidationError, match="accepted already"):
        services.invitation_resend(invitation=invitation)


def test_a_resent_invitation_makes_the_older_link_stop_working(
    world, open_cohort, django_capture_on_commit_callbacks
):
    """Issue 8: an older invitation link kept working after a resend."""
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,), _skipped = services.invitation_send(
            cohort=open_cohort, people=[world.outsider], role="mentee", by=world.admin
        )
    older = Invitation.objects.get(pk=invitation.pk)
    old_token = services.invitation_token(older)
    later = timezone.now() + datetime.timedelta(seconds=5)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation)
    newer = Invitation.objects.get(pk=invitation.pk)
    assert services.invitation_from_token(services.invitation_token(newer)) == newer
    with pytest.raises(ValidationError, match="A newer invitation has been sent") as exc:
        services.invitation_from_token(old_token)
    assert exc.value.code == "superseded"
    assert old_token.split(":")[0] in mail.outbox[0].body  # the link that was emailed is the old one


def _invitation(cohort, person, role="mentee"):
    return Invitation.objects.create(cohort=cohort, email=person.email, role=role, person=person)


def test_invitation_link_works_for_fourteen_days_then_expires(world, open_cohort):
    invitation = _invitation(open_cohort, world.outsider)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = services.invitation_token(invitation)
        traveller.shift(datetime.timedelta(days=13, hours=23))
        assert services.invitation_from_token(token) == invitation
        traveller.shift(datetime.timedelta(hours=2))
        with pytest.raises(ValidationError, match="expired") as exc:
            services.invitation_from_token(token)
    assert exc.value.code == "expired"


def test_tampered_or_foreign_tokens_are_refused(world, open_cohort):
    invitation = _invitation(open_cohort, world.outsider)
    token = services.invitation_token(invitation)
    for bad in (token[:-2] + "xx", "nonsense", services.cohort_join_token(open_cohort)):
        with pytest.raises(ValidationError, match="not valid"):
            services.invitation_from_token(bad)


# --- accepting: roles, capacity, waitlist ------------------------------------------------------


def test_accepting_as_mentor_applies_for_approval_and_marks_accepted(world, open_cohort):
    invitation = _invitation(open_cohort, world.mentor2, role="mentor")
    enrolment = services.invitation_accept(invitation=invitation)
    assert (enrolment.role, enrolment.status) == ("mentor", Enrolment.Status.APPLIED)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_accepting_twice_returns_the_same_enrolment(world, open_cohort):
    invitation = _invitation(open_cohort, world.outsider)
    active_mentor(open_cohort)
    first = services.invitation_accept(invitation=invitation)
    accepted_at = Invitation.objects.get(pk=invitation.pk).accepted_at
    second = services.invitation_accept(invitation=invitation)
    assert first.pk == second.pk and Enrolment.objects.filter(cohort=open_cohort, role="mentee").count() == 1
    assert Invitation.objects.get(pk=invitation.pk).accepted_at == accepted_at


def test_mentees_are_waitlisted_once_mentor_capacity_is_used_up(world, open_cohort):
    # Capacity 5 counts as the cohort's limit of 2; an applied mentor adds nothing.
    active_mentor(open_cohort, capacity=5)
    EnrolmentFactory(cohort=open_cohort, role="mentor", capacity=3, status=Enrolment.Status.APPLIED)
    assert open_cohort.mentee_places() == (2, 0)
    statuses = [
        services.invitation_accept(invitation=_invitation(open_cohort, PersonFactory())).status
        for _ in range(3)
    ]
    assert statuses == [Enrolment.Status.ACTIVE, Enrolment.Status.ACTIVE, Enrolment.Status.WAITLISTED]


def test_accepting_after_the_cohort_started_is_refused(world, open_cohort):
    invitation = _invitation(open_cohort, world.outsider)
    Cohort.objects.filter(pk=open_cohort.pk).update(state=Cohort.State.ACTIVE)
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="is active"):
        services.invitation_accept(invitation=invitation)


# --- self-enrolment and eligibility ------------------------------------------------------------


def test_self_enrolment_needs_the_link_to_be_open_and_the_cohort_enrolling(world, open_cohort):
    open_cohort.self_enrolment_open = False
    with pytest.raises(ValidationError, match="not open for self-enrolment"):
        services.self_enrol(cohort=open_cohort, person=world.outsider, role="mentee")
    open_cohort.self_enrolment_open, open_cohort.state = True, Cohort.State.MATCHING
    with pytest.raises(ValidationError, match="not open for self-enrolment"):
        services.self_enrol(cohort=open_cohort, person=world.outsider, role="mentee")


def test_mentors_need_the_minimum_tenure(world, open_cohort):
    junior = PersonFactory(hire_date=days_ago(100))
    with pytest.raises(
        ValidationError, match="Mentors need at least 365 days with the company; you have 100"
    ):
        services.self_enrol(cohort=open_cohort, person=junior, role="mentor")
    senior = PersonFactory(hire_date=days_ago(365))
    assert (
        services.self_enrol(cohort=open_cohort, person=senior, role="mentor").status
        == Enrolment.Status.APPLIED
    )


def test_mentees_must_be_recent_hires_when_the_cohort_sets_a_window(world, open_cohort):
    open_cohort.mentee_hire_window_days = 90
    with pytest.raises(ValidationError, match="hired in the last 90 days"):
        services.self_enrol(cohort=open_cohort, person=PersonFactory(hire_date=days_ago(91)), role="mentee")
    enrolment = services.self_enrol(
        cohort=open_cohort, person=PersonFactory(hire_date=days_ago(90)), role="mentee"
    )
    assert enrolment.status == Enrolment.Status.WAITLISTED  # no mentor yet


def test_self_enrolling_twice_is_refused(world, open_cohort):
    services.self_enrol(cohort=open_cohort, person=world.outsider, role="mentee")
    with pytest.raises(ValidationError, match="already enrolled in Spring 2027"):
        services.self_enrol(cohort=open_cohort, person=world.outsider, role="mentee")


# --- profile -----------------------------------------------------------------------------------

PROFILE = {
    "communication": "spoken",
    "structure": "flexible",
    "pace": "fast",
    "feedback": "gentle",
    "time_zone": "Europe/Lisbon",
    "availability": "Tue mornings",
    "preferred_format": "video",
}


def test_profile_saves_to_person_and_enrolment(world, open_cohort):
    billing, apis, tone = world.tags
    enrolment = EnrolmentFactory(cohort=open_cohort, person=world.outsider)
    services.profile_save(
        enrolment=enrolment, **PROFILE, interests=[billing], skills=[apis], goals="Refunds", goal_areas=[tone]
    )
    person = Person.objects.get(pk=world.outsider.pk)
    assert (person.communication, person.pace, person.time_zone) == ("spoken", "fast", "Europe/Lisbon")
    assert list(person.interests.all()) == [billing] and list(person.skills.all()) == [apis]
    enrolment.refresh_from_db()
    assert enrolment.profile_complete and enrolment.goals == "Refunds"
    assert list(enrolment.goal_areas.all()) == [tone]


def test_profile_refuses_bad_time_zone_too_much_capacity_and_closed_cohorts(world, open_cohort):
    mentor = EnrolmentFactory(cohort=open_cohort, role="mentor", status=Enrolment.Status.APPLIED)
    with pytest.raises(ValidationError, match="time zone from the list"):
        services.profile_save(enrolment=mentor, **{**PROFILE, "time_zone": "Mars/Olympus"})
    with pytest.raises(ValidationError, match="between 1 and 2 mentees"):
        services.profile_save(enrolment=mentor, **PROFILE, motivation="Teach", capacity=3)
    open_cohort.state = Cohort.State.CLOSED
    with pytest.raises(ValidationError, match="closed"):
        services.profile_save(enrolment=mentor, **PROFILE, motivation="Teach", capacity=1)


# --- review, waitlist, withdraw, move ----------------------------------------------------------


def test_approving_a_mentor_needs_all_three_checks_and_declining_needs_a_note(world, open_cohort):
    application = EnrolmentFactory(cohort=open_cohort, role="mentor", status=Enrolment.Status.APPLIED)
    with pytest.raises(ValidationError, match="Tick expertise, communication and patience"):
        services.application_review(enrolment=application, approve=True, checks=["expertise"], by=world.admin)
    with pytest.raises(ValidationError, match="Say why"):
        services.application_review(enrolment=application, approve=False, note=" ", by=world.admin)
    approved = services.application_review(
        enrolment=application,
        approve=True,
        checks=services.MENTOR_CHECKS,
        note="Great on billing",
        by=world.admin,
    )
    assert approved.status == Enrolment.Status.ACTIVE and approved.reviewed_by == world.admin
    assert approved.review_note == "Great on billing"
    assert approved.review_checks == ["expertise", "communication", "patience"]
    with pytest.raises(ValidationError, match="Only mentor applications"):
        services.application_review(enrolment=approved, approve=False, note="x", by=world.admin)


def test_promoting_from_the_waitlist_only_when_a_place_is_free(world, open_cohort):
    EnrolmentFactory(cohort=open_cohort, status=Enrolment.Status.ACTIVE)
    waiting = EnrolmentFactory(cohort=open_cohort, status=Enrolment.Status.WAITLISTED)
    with pytest.raises(ValidationError, match="No mentor place is free: 1 active mentees for 0 places"):
        services.waitlist_promote(enrolment=waiting)
    active_mentor(open_cohort, capacity=2)
    assert services.waitlist_promote(enrolment=waiting).status == Enrolment.Status.ACTIVE


def test_withdrawing_needs_a_reason_and_is_refused_during_an_active_pairing(world, open_cohort):
    with pytest.raises(ValidationError, match="end the pairing first"):
        services.enrolment_withdraw(enrolment=world.pair.mentee, reason="Leaving the team")
    enrolment = EnrolmentFactory(cohort=open_cohort)
    with pytest.raises(ValidationError, match="short reason"):
        services.enrolment_withdraw(enrolment=enrolment, reason="  ")
    withdrawn = services.enrolment_withdraw(enrolment=enrolment, reason="Night shifts")
    assert (withdrawn.status, withdrawn.withdrawn_reason) == (Enrolment.Status.WITHDRAWN, "Night shifts")


def test_moving_keeps_profile_and_goal_areas_and_withdraws_the_old_enrolment(world, open_cohort):
    billing = world.tags[0]
    source = CohortFactory(programme=open_cohort.programme, state=Cohort.State.ENROLLING)
    enrolment = EnrolmentFactory(
        cohort=source, goals="Refunds", availability="Fri", profile_completed_at=timezone.now()
    )
    enrolment.goal_areas.set([billing])
    active_mentor(open_cohort)
    moved = services.enrolment_move(enrolment=enrolment, to_cohort=open_cohort)
    assert moved.cohort == open_cohort and moved.status == Enrolment.Status.ACTIVE
    assert (moved.goals, moved.availability, moved.profile_complete) == ("Refunds", "Fri", True)
    assert list(moved.goal_areas.all()) == [billing]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN and "Spring 2027" in enrolment.withdrawn_reason


def test_moving_is_refused_when_paired_already_enrolled_or_to_the_wrong_cohort(world, open_cohort):
    with pytest.raises(ValidationError, match="end the pairing first"):
        services.enrolment_move(enrolment=world.pair.mentee, to_cohort=open_cohort)
    source = CohortFactory(programme=open_cohort.programme, state=Cohort.State.ENROLLING)
    enrolment = EnrolmentFactory(cohort=source)
    EnrolmentFactory(cohort=open_cohort, person=enrolment.person)
    with pytest.raises(ValidationError, match="already enrolled in Spring 2027"):
        services.enrolment_move(enrolment=enrolment, to_cohort=open_cohort)
    other_programme = CohortFactory(programme=ProgrammeFactory(name="Other"), state=Cohort.State.ENROLLING)
    with pytest.raises(ValidationError, match="same programme"):
        services.enrolment_move(enrolment=enrolment, to_cohort=other_programme)
    closed = CohortFactory(programme=open_cohort.programme, state=Cohort.State.ACTIVE)
    with pytest.raises(ValidationError, match="draft, enrolling or matching"):
        services.enrolment_move(enrolment=enrolment, to_cohort=closed)


# --- one rule for enrolled or waitlisted (issue 8) -----------------------------------------------


def test_a_new_mentee_is_waitlisted_while_anyone_waits(world, open_cohort):
    """Issue 8: people who joined later were enrolled ahead of the waitlist."""
    active_mentor(open_cohort, capacity=1)
    waiting = waitlisted(open_cohort, days=2)  # the place came free while they waited
    late = PersonFactory(hire_date=days_ago(30))
    enrolment = services.self_enrol(cohort=open_cohort, person=late, role=Enrolment.Role.MENTEE)
    waiting.refresh_from_db()
    assert (waiting.status, enrolment.status) == (Enrolment.Status.ACTIVE, Enrolment.Status.WAITLISTED)


def test_every_path_admits_through_the_same_rule(world, open_cohort):
    other = CohortFactory(programme=open_cohort.programme, name="Autumn 2027", state=Cohort.State.ENROLLING)
    mover = EnrolmentFactory(cohort=other, role="mentee", status=Enrolment.Status.ACTIVE)
    invited = PersonFactory(email="inv@example.com")
    invitation = Invitation.objects.create(
        cohort=open_cohort, email=invited.email, role="mentee", person=invited
    )
    admin_added, bulk = PersonFactory(), PersonFactory()
    # No mentor, no place: every mentee waits, in the order they came.
    assert services.invitation_accept(invitation=invitation).status == Enrolment.Status.WAITLISTED
    assert (
        services.enrolment_add(cohort=open_cohort, person=admin_added, role="mentee").status == "waitlisted"
    )
    assert services.people_enrol(cohort=open_cohort, people=[bulk], role="mentee").waitlisted == [bulk]
    assert services.enrolment_move(enrolment=mover, to_cohort=open_cohort).status == "waitlisted"
    # A mentor with two places arrives: the two who waited longest are enrolled.
    services.enrolment_add(cohort=open_cohort, person=PersonFactory(), role="mentor", capacity=2)
    statuses = list(selectors.waitlist(open_cohort).values_list("person_id", flat=True))
    assert statuses == [bulk.pk, mover.person_id]
    assert Enrolment.objects.get(cohort=open_cohort, person=invited).status == Enrolment.Status.ACTIVE


def test_a_freed_place_goes_to_the_longest_waiting_who_is_told(
    working_hours, world, open_cohort, django_capture_on_commit_callbacks
):
    active_mentor(open_cohort, capacity=1)
    leaving = EnrolmentFactory(cohort=open_cohort, role="mentee", status=Enrolment.Status.ACTIVE)
    older = waitlisted(open_cohort, days=3)
    newer = waitlisted(open_cohort, days=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(enrolment=leaving, reason="Changed teams")
    older.refresh_from_db(), newer.refresh_from_db()
    assert (older.status, newer.status) == ("active", "waitlisted")
    assert [m.to for m in mail.outbox] == [[older.person.email]]
    assert "A place is free for you in Spring 2027" in mail.outbox[0].subject
    assert f"/enrol/{older.pk}/profile/" in mail.outbox[0].body


def test_approving_a_mentor_gives_their_places_to_the_waitlist(world, open_cohort):
    waiting = EnrolmentFactory(cohort=open_cohort, role="mentee", status="waitlisted")
    applicant = EnrolmentFactory(
        cohort=open_cohort, person=PersonFactory(hire_date=days_ago(2000)), role="mentor", status="applied"
    )
    services.application_review(
        enrolment=applicant, approve=True, checks=services.MENTOR_CHECKS, by=world.admin
    )
    waiting.refresh_from_db()
    assert waiting.status == Enrolment.Status.ACTIVE


def test_promoting_by_hand_is_first_come_first_served(world, open_cohort):
    older = waitlisted(open_cohort, days=3)
    newer = waitlisted(open_cohort, days=1)
    active_mentor(open_cohort, capacity=1)
    with pytest.raises(ValidationError, match="has waited longer"):
        services.waitlist_promote(enrolment=newer)
    assert services.waitlist_promote(enrolment=older).status == Enrolment.Status.ACTIVE


def test_capacity_cannot_go_below_the_mentees_a_mentor_has(world, open_cohort):
    """Issue 8: a mentor could set a capacity below the mentees already taken."""
    from tests.factories import MatchRunFactory, PairingFactory

    mentor = active_mentor(open_cohort, capacity=2)
    run = MatchRunFactory(cohort=open_cohort)
    for _ in range(2):
        mentee = EnrolmentFactory(cohort=open_cohort, role="mentee", status="active")
        PairingFactory(match_run=run, mentor=mentor, mentee=mentee)
    with pytest.raises(ValidationError, match="already mentors 2 mentees"):
        services.profile_save(enrolment=mentor, **PROFILE, motivation="Teach", capacity=1)
    with pytest.raises(ValidationError, match="already mentors 2 mentees"):
        services.mentor_capacity_set(enrolment=mentor, capacity=1, by=world.admin)
    mentor.refresh_from_db()
    assert mentor.capacity == 2


def test_the_waitlist_moves_in_an_active_choice_cohort_but_not_in_an_assigned_one(world, open_cohort):
    """Issue 8: promotion was refused once the cohort was active although choice mode still ran."""
    active_mentor(open_cohort, capacity=1)
    waiting = waitlisted(open_cohort, days=1)
    Cohort.objects.filter(pk=open_cohort.pk).update(state=Cohort.State.ACTIVE)
    with pytest.raises(ValidationError, match="nobody joins from the waitlist any more"):
        services.waitlist_promote(enrolment=waiting)
    Cohort.objects.filter(pk=open_cohort.pk).update(matching_mode=Cohort.MatchingMode.CHOICE)
    waiting.refresh_from_db()
    assert services.waitlist_promote(enrolment=waiting).status == Enrolment.Status.ACTIVE


def test_a_capacity_cut_to_the_mentees_taken_closes_the_requests_waiting_on_that_mentor(world, open_cohort):
    from matching.models import MentorRequest
    from tests.factories import MatchRunFactory, PairingFactory

    Cohort.objects.filter(pk=open_cohort.pk).update(
        matching_mode=Cohort.MatchingMode.CHOICE, state=Cohort.State.MATCHING
    )
    open_cohort.refresh_from_db()
    mentor = active_mentor(open_cohort, capacity=2)
    mentee = EnrolmentFactory(cohort=open_cohort, role="mentee", status="active")
    PairingFactory(match_run=MatchRunFactory(cohort=open_cohort), mentor=mentor, mentee=mentee)
    asking = EnrolmentFactory(cohort=open_cohort, role="mentee", status="active")
    request = MentorRequest.objects.create(cohort=open_cohort, mentee=asking, mentor=mentor)
    services.mentor_capacity_set(enrolment=mentor, capacity=1, by=world.admin)
    request.refresh_from_db()
    assert request.status == MentorRequest.Status.CLOSED and "no free place" in request.reason
