"""Issue 10, lifecycle messages of enrolment: enrolled (every path), waitlisted, promoted, a mentor
application decided. Each is told once, greets by first name, names who acted, and reaches someone
without a login as one email that carries their activation link."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrolment import services
from notifications.models import Notification
from notifications.services import email_mute
from outbox.models import Message
from programmes.models import Enrolment
from tests.conftest import login
from tests.emails import deliver, notices, programme_admin
from tests.enrolment.conftest import active_mentor, waitlisted
from tests.factories import CohortFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.usefixtures("working_hours")


def test_an_admin_enrolling_someone_without_a_login_sends_one_email_with_the_activation_link(
    world, open_cohort
):
    priya = programme_admin(world)
    active_mentor(open_cohort, capacity=2)
    person = PersonFactory(full_name="Ana Newcomer", email="ana@example.com")
    enrolment = services.enrolment_add(cohort=open_cohort, person=person, role="mentee", by=world.admin)
    with pytest.raises(ValidationError):  # a second submit changes nothing
        services.enrolment_add(cohort=open_cohort, person=person, role="mentee", by=world.admin)

    assert notices("enrolled") == [
        (person.pk, f"enrolled:{enrolment.pk}:{enrolment.enrolled_at.isoformat()}")
    ]
    assert not Message.objects.filter(kind="account_activation").exists()  # no second email
    [received] = deliver(to="ana@example.com")
    assert received.subject == "You're enrolled in Spring 2027 as a mentee"
    for part in (received.text, received.html):
        assert part.startswith("Hi Ana,") or "Hi Ana," in part
        assert "Priya Shah, who runs Support mentoring, has enrolled you in Spring 2027" in part
        assert "/accounts/activate/" in part
    assert priya.full_name in received.text and "admin" not in received.text.split("Priya")[0]
    assert Notification.objects.get(person=person).actor == priya


def test_self_enrolment_tells_the_person_and_names_nobody(client, world, open_cohort):
    active_mentor(open_cohort, capacity=2)
    services.self_enrol(cohort=open_cohort, person=world.outsider, role="mentee")
    [notice] = Notification.objects.filter(person=world.outsider)
    assert (notice.kind, notice.actor) == ("enrolled", None)
    [received] = deliver()
    assert received.text.startswith("Hi Sam,")
    assert "You're enrolled in Spring 2027 (Support mentoring) as a mentee." in received.text
    assert "/accounts/activate/" not in received.text  # Sam can log in
    assert reverse("enrolment:profile", args=[notice.url.split("/")[2]]) in received.text


def test_accepting_an_invitation_twice_tells_once_and_thanks_the_inviter(world, open_cohort):
    priya = programme_admin(world)
    active_mentor(open_cohort, capacity=2)
    [invitation], _skipped = services.invitation_send(
        cohort=open_cohort, people=[world.outsider], role="mentee", by=world.admin
    )
    services.invitation_accept(invitation=invitation)
    services.invitation_accept(invitation=invitation)  # a second click
    assert len(notices("enrolled")) == 1
    [received] = deliver(kind="enrolled")
    assert "Thanks for accepting Priya Shah's invitation: you're enrolled in Spring 2027" in received.text
    assert Notification.objects.get(kind="enrolled").actor == priya


def test_bulk_enrolment_into_a_full_cohort_waitlists_and_tells_each_once(world, open_cohort):
    people = [PersonFactory(full_name=f"Wai {n}", user=UserFactory()) for n in range(2)]
    services.people_enrol(cohort=open_cohort, people=people, role="mentee", by=world.admin)
    services.people_enrol(
        cohort=open_cohort, people=people, role="mentee", by=world.admin
    )  # refused: enrolled
    assert [pk for pk, _key in notices("waitlisted")] == sorted(p.pk for p in people)
    received = deliver(kind="waitlisted")
    assert len(received) == 2
    for message in received:
        assert message.subject == "You're on the waitlist for Spring 2027"
        assert "first come, first served" in message.text and "first come, first served" in message.html


def test_a_move_tells_the_person_where_they_are_now(world, open_cohort):
    programme_admin(world)
    later = CohortFactory(programme=open_cohort.programme, name="Autumn 2027", state="enrolling")
    enrolment = services.enrolment_add(
        cohort=open_cohort, person=world.outsider, role="mentor", by=world.admin
    )
    moved = services.enrolment_move(enrolment=enrolment, to_cohort=later, by=world.admin)
    assert moved.status == Enrolment.Status.ACTIVE
    [received] = [m for m in deliver(kind="enrolled") if "Autumn 2027" in m.subject]
    assert (
        "Priya Shah, who runs Support mentoring, has moved you from Spring 2027 to Autumn 2027"
        in received.text
    )


def test_a_promotion_by_hand_names_the_admin_and_a_fill_is_told_once(world, open_cohort):
    programme_admin(world)
    active_mentor(open_cohort, capacity=2)
    first, second = waitlisted(open_cohort, days=3), waitlisted(open_cohort, days=1)
    services.waitlist_promote(enrolment=first, by=world.admin)
    services.waitlist_fill(cohort=open_cohort)
    services.waitlist_fill(cohort=open_cohort)  # a repeated fill promotes and tells nobody again
    assert sorted(pk for pk, _key in notices("promoted")) == sorted([first.person_id, second.person_id])
    by_person = {m.to: m for m in deliver(kind="promoted")}
    by_hand = by_person[first.person.email]
    assert (
        "Priya Shah, who runs Support mentoring, has given you a mentor place in Spring 2027" in by_hand.text
    )
    assert "you were next on the waitlist" in by_person[second.person.email].text
    assert by_hand.text.startswith(f"Hi {first.person.first_name},")


def test_a_mentor_application_declined_is_told_with_the_note_once(world, open_cohort):
    programme_admin(world)
    applicant = services.self_enrol(cohort=open_cohort, person=world.manager, role="mentor")
    assert applicant.status == Enrolment.Status.APPLIED
    assert not Notification.objects.exists()  # applying is news to its reviewer only
    services.application_review(
        enrolment=applicant, approve=False, note="Full for this cohort", by=world.admin
    )
    with pytest.raises(ValidationError):  # a second click: no longer awaiting approval
        services.application_review(enrolment=applicant, approve=False, note="again", by=world.admin)
    [received] = deliver(kind="application_decided")
    assert received.subject == "Your application to mentor in Spring 2027"
    for part in (received.text, received.html):
        assert "Hi Maya," in part
        assert "Priya Shah, who runs Support mentoring, has not approved your application" in part
        assert "Why: Full for this cohort" in part
    assert reverse("enrolment:mine") in received.text


def test_a_mentor_application_approved_is_told(world, open_cohort):
    applicant = services.self_enrol(cohort=open_cohort, person=world.manager, role="mentor")
    services.application_review(
        enrolment=applicant, approve=True, checks=services.MENTOR_CHECKS, by=world.admin
    )
    [received] = deliver(kind="application_decided")
    assert received.subject == "You're a mentor in Spring 2027"
    assert "We have approved your application to mentor in Spring 2027" in received.text


def test_someone_who_has_left_is_told_nothing_when_a_place_frees(world, open_cohort):
    active_mentor(open_cohort, capacity=2)
    gone = waitlisted(open_cohort, days=2)
    gone.person.leave_date = datetime.date(2026, 10, 1)
    gone.person.save(update_fields=["leave_date"])
    services.waitlist_fill(cohort=open_cohort)
    assert not Notification.objects.filter(person=gone.person).exists()
    assert not Message.objects.filter(to=gone.person.email).exists()


def test_the_enrolled_email_links_work_for_a_logged_out_person(client, world, open_cohort):
    active_mentor(open_cohort, capacity=2)
    services.self_enrol(cohort=open_cohort, person=world.outsider, role="mentee")
    [received] = deliver()
    unsubscribe = str(received.headers["List-Unsubscribe"]).strip(" <>").removeprefix("http://testserver")
    assert client.get(unsubscribe).status_code == 200
    profile = next(line for line in received.text.splitlines() if "/enrol/" in line).strip()
    landing = client.get(profile.removeprefix("http://testserver"))
    assert landing.status_code == 302 and "fill in your mentoring profile" in client.get(landing.url).text
    login(client, world.outsider.user)
    assert client.get(profile.removeprefix("http://testserver")).status_code == 200


def test_someone_without_a_login_who_stopped_these_emails_still_gets_the_activation_link(world, open_cohort):
    active_mentor(open_cohort, capacity=2)
    person = PersonFactory(full_name="Mo Quiet", email="mo@example.com")
    email_mute(person=person, kind="enrolled")
    services.enrolment_add(cohort=open_cohort, person=person, role="mentee", by=world.admin)
    assert Notification.objects.filter(person=person, kind="enrolled").exists()  # on their page
    [received] = deliver(to="mo@example.com")  # the account email, since the enrolled one is muted
    assert "/accounts/activate/" in received.text
    assert not Message.objects.filter(kind="enrolled").exists()
