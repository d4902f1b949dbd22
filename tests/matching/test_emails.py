"""Issue 10, matching's lifecycle messages: a match published (with the humane explanation) and each
transition of a mentee-choice request, told once, by first name, naming who acted."""

import datetime

import pytest
from django.urls import reverse

from matching import emails, services
from matching.models import MatchRun
from notifications.models import Notification
from outbox.models import Message
from programmes.models import Cohort, Enrolment
from tests.conftest import login
from tests.emails import deliver, notices, programme_admin, tell_broadcasts
from tests.factories import CohortFactory, EnrolmentFactory, MatchRunFactory, PairingFactory, PersonFactory

pytestmark = pytest.mark.usefixtures("working_hours")


@pytest.fixture
def run(world):
    """A published run of one mentor (Nia) with two mentees (Kai, Lea), nobody with a login yet."""
    cohort = CohortFactory(programme=world.cohort.programme, name="Winter 2027", state=Cohort.State.ACTIVE)
    run = MatchRunFactory(cohort=cohort)
    nia = EnrolmentFactory(
        cohort=cohort, person=PersonFactory(full_name="Nia Okafor"), role=Enrolment.Role.MENTOR, capacity=2
    )
    for name in ("Kai Berg", "Lea Roth"):
        PairingFactory(
            match_run=run,
            mentor=nia,
            mentee=EnrolmentFactory(cohort=cohort, person=PersonFactory(full_name=name)),
            explanation=["Both prefer written communication", "Work styles not known yet"],
        )
    return run


def test_a_published_match_tells_each_mentee_and_mentor_once_with_why(world, run):
    priya = programme_admin(world)
    emails.match_run_emails_owe(run=run, by=world.admin)
    emails.match_run_emails_owe(run=run, by=world.admin)  # a retried task or a second click
    assert tell_broadcasts() == 1  # told after commit, once

    assert len(notices("match_published")) == 3  # two mentees, their one mentor
    assert set(Notification.objects.values_list("actor", flat=True)) == {priya.pk}
    # They cannot log in yet: the match email carries the activation link, no second email.
    assert not Message.objects.filter(kind="account_activation").exists()
    received = {m.to: m for m in deliver(kind="match_published")}
    kai = next(m for m in received.values() if "Hi Kai," in m.text)
    assert kai.subject == "Meet your mentor: Nia Okafor"
    for part in (kai.text, kai.html):
        assert "Priya Shah, who runs Support mentoring, has published the pairs of" in part
        assert "Both prefer written communication" in part
        assert "not known yet" not in part  # never a placeholder reason
        assert "/accounts/activate/" in part
    assert "What happens next: say hello" in kai.text
    nia = next(m for m in received.values() if "Hi Nia," in m.text)
    assert nia.subject == "Your mentees in Winter 2027"
    assert "Kai Berg" in nia.text and "Lea Roth" in nia.text and "Kai Berg" in nia.html


def test_a_person_who_has_left_hears_nothing_of_the_match(world, run):
    pairing = run.pairings.order_by("pk").first()
    pairing.mentee.person.leave_date = datetime.date(2026, 10, 1)
    pairing.mentee.person.save(update_fields=["leave_date"])
    emails.match_run_emails_owe(run=run, by=world.admin)
    tell_broadcasts()
    assert pairing.mentee.person_id not in {pk for pk, _key in notices("match_published")}
    assert len(notices("match_published")) == 2


@pytest.fixture
def choice(world):
    cohort = CohortFactory(
        programme=world.cohort.programme,
        name="Choice 2027",
        state=Cohort.State.MATCHING,
        matching_mode=Cohort.MatchingMode.CHOICE,
        max_mentees_per_mentor=3,
    )
    omar = EnrolmentFactory(cohort=cohort, person=world.mentor, role=Enrolment.Role.MENTOR, capacity=1)
    ada = EnrolmentFactory(
        cohort=cohort,
        person=world.mentee,
        goals="Handle angry billing customers",
        profile_completed_at=world.run.published_at,
    )
    return cohort, omar, ada


def test_a_request_and_its_decline_are_each_told_once_and_the_note_stays_on_the_mentees_page(
    client, world, choice
):
    cohort, omar, ada = choice
    request = services.mentor_request_create(mentee=ada, mentor=omar, by=world.mentee.user)
    emails.mentor_request_email_owe(mentor_request=request, kind="requested")  # a retried task
    [asked] = deliver(kind="mentor_request")
    assert asked.to == world.mentor.email
    assert asked.subject == "Ada Mentee would like you as their mentor"
    assert asked.text.startswith("Hi Omar,") and "Handle angry billing customers" in asked.text

    services.mentor_request_decline(mentor_request=request, note="On leave until March", by=world.mentor.user)
    emails.mentor_request_email_owe(mentor_request=request, kind="declined", note="On leave until March")
    [declined] = deliver(kind="mentor_request")
    assert declined.to == world.mentee.email
    for part in (declined.text, declined.html):
        assert "Hi Ada," in part
        assert "Omar Mentor has declined your request" in part
        assert "On leave until March" in part
    told = Notification.objects.filter(kind="mentor_request").order_by("pk")
    assert [(n.person_id, n.actor_id) for n in told] == [
        (world.mentor.pk, world.mentee.pk),
        (world.mentee.pk, world.mentor.pk),
    ]
    request.refresh_from_db()
    assert request.reason == "On leave until March"  # the note is kept, not only emailed
    login(client, world.mentee.user)
    page = client.get(reverse("choice:suggestions", args=[ada.pk]))
    assert "On leave until March" in page.text


def test_an_accepted_request_tells_the_mentee_once(world, choice):
    _cohort, omar, ada = choice
    request = services.mentor_request_create(mentee=ada, mentor=omar, by=world.mentee.user)
    pairing = services.mentor_request_accept(mentor_request=request, by=world.mentor.user)
    emails.mentor_request_email_owe(mentor_request=request, kind="accepted")
    accepted = [m for m in deliver(kind="mentor_request") if m.to == world.mentee.email]
    assert len(accepted) == 1
    assert accepted[0].subject == "Omar Mentor is your mentor"
    assert pairing.get_absolute_url() in accepted[0].text
    assert MatchRun.objects.filter(cohort=pairing.cohort, kind=MatchRun.Kind.CHOICE).exists()
