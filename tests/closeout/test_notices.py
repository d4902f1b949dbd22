"""Issue 10, close-out's lifecycle messages: a pairing ended early (both sides; the mentee hears what
happens next), the re-match, close-out begun (reflection and survey links) and the cohort closed
(thanks, and what the product keeps). Each told once, by first name, naming who acted."""

import datetime

import pytest
from django.urls import reverse

from closeout import notices as closeout_notices
from closeout import services
from notifications.broadcasts import broadcast_tell
from notifications.models import Broadcast, Notification
from programmes.models import Cohort
from programmes.services import cohort_transition
from tests.closeout.conftest import enrol_mentor
from tests.emails import deliver, notices, programme_admin
from tests.factories import EnrolmentFactory, PairingFactory

pytestmark = pytest.mark.usefixtures("working_hours")


def test_a_pairing_ended_early_tells_both_sides_once_and_the_mentee_what_happens_next(world):
    programme_admin(world)
    services.pairing_end_early(pairing=world.pair, reason="Mentor is moving to another team", by=world.admin)
    closeout_notices.pairing_ended_tell(pairing=world.pair, by=None)  # a retried task: nothing new
    assert [pk for pk, _key in notices("pairing_ended")] == sorted([world.mentor.pk, world.mentee.pk])
    received = {m.to: m for m in deliver(kind="pairing_ended")}
    ada, omar = received["mentee@example.com"], received["mentor@example.com"]
    assert ada.subject == "Your mentorship with Omar Mentor has ended"
    for part in (ada.text, ada.html):
        assert "Hi Ada," in part
        assert "Priya Shah, who runs Support mentoring, has ended your mentorship with Omar Mentor" in part
        assert "your programme team will pair you with a new mentor" in part
        assert "moving to another team" not in part  # the admin's reason stays with the admins
    assert "the place Ada leaves is free again" in omar.text
    assert reverse("closeout:reflection", args=[world.pair.pk]) in ada.text


def test_the_rematched_mentee_hears_of_the_new_mentor(world):
    programme_admin(world)
    services.pairing_end_early(pairing=world.pair, reason="Schedule clash", by=world.admin)
    zed = enrol_mentor(world.cohort, "Zed Fresh", email="zed@example.com")
    services.pairing_rematch(mentee=world.pair.mentee, mentor=zed, by=world.admin)
    received = {m.to: m for m in deliver(kind="match_published")}
    ada = received["mentee@example.com"]
    assert ada.subject == "Meet your mentor: Zed Fresh"
    assert (
        "Priya Shah, who runs Support mentoring, has paired you with a new mentor in Autumn 2026" in ada.text
    )
    assert (
        "Priya Shah, who runs Support mentoring, has paired you with a new mentee"
        in received["zed@example.com"].text
    )


def move(capture, cohort, to, by):
    """Move the cohort, then tell its broadcast as the worker does after commit (the emails stay
    in the outbox for `deliver`)."""
    with capture(execute=False):
        cohort_transition(cohort=Cohort.objects.get(pk=cohort.pk), to=to, by=by)
        for pk in Broadcast.objects.filter(status=Broadcast.Status.PENDING).values_list("pk", flat=True):
            assert broadcast_tell(broadcast_id=pk)


def test_close_out_begun_tells_everyone_enrolled_with_their_reflection_and_survey_links(
    world, django_capture_on_commit_callbacks
):
    programme_admin(world)
    move(django_capture_on_commit_callbacks, world.cohort, Cohort.State.CONCLUDING, world.admin)
    closeout_notices.closeout_begun_tell(world.cohort, by=None)  # again: nothing new
    assert Broadcast.objects.get().status == Broadcast.Status.DONE
    people = sorted(p.pk for p in (world.mentor, world.mentee, world.mentor2, world.mentee2))
    assert [pk for pk, _key in notices("closeout_begun")] == people
    received = {m.to: m for m in deliver(kind="closeout_begun")}
    bo = received["mentee2@example.com"]
    assert bo.subject == "Autumn 2026 is wrapping up: your reflection and a short survey"
    survey = reverse("closeout:survey", args=[world.cohort.pk])
    reflection = reverse("closeout:reflection", args=[world.pair2.pk])
    for part in (bo.text, bo.html):
        assert "Hi Bo," in part
        assert "Priya Shah, who runs Support mentoring, has begun the close-out of" in part
        assert survey in part and reflection in part
        assert reverse("closeout:reflection", args=[world.pair.pk]) not in part  # not Bo's pair


@pytest.mark.parametrize("extra_pairs", [0, 6])
def test_close_out_begun_is_owed_in_a_fixed_number_of_queries_and_told_after_commit(
    world, extra_pairs, django_assert_num_queries, django_capture_on_commit_callbacks
):
    for _ in range(extra_pairs):
        PairingFactory(match_run=world.run)
    # In the request: count the people, look for the broadcast, INSERT it (in its savepoint).
    with django_assert_num_queries(5), django_capture_on_commit_callbacks(execute=False) as started:
        closeout_notices.closeout_begun_tell(world.cohort, by=None)
    assert notices("closeout_begun") == []
    assert Broadcast.objects.get().people == 4 + 2 * extra_pairs
    # After commit, the worker: claim it, read it, the cohort; per chunk the enrolments with their
    # people, the pairings with both people and notify_many's queries (the keys told before, the
    # preferences, the wording overrides, INSERT the notifications, bump the unread counters, INSERT
    # the messages, their ids, the unclaimed ones, the notifications' ids, in a savepoint), renew
    # the claim (a chunk shorter than CHUNK is the last); mark it done.
    with django_assert_num_queries(18), django_capture_on_commit_callbacks(execute=False):
        (queue,) = started
        queue()
    assert len(notices("closeout_begun")) == 4 + 2 * extra_pairs


def test_a_closed_cohort_thanks_everyone_and_says_what_the_product_keeps(
    world, django_capture_on_commit_callbacks
):
    move(django_capture_on_commit_callbacks, world.cohort, Cohort.State.CONCLUDING, world.admin)
    move(django_capture_on_commit_callbacks, world.cohort, Cohort.State.CLOSED, world.admin)
    assert len(notices("cohort_closed")) == 4
    omar = next(m for m in deliver(kind="cohort_closed") if m.to == "mentor@example.com")
    assert omar.subject == "Thank you: Autumn 2026 has closed"
    for part in (omar.text, omar.html):
        assert "Hi Omar," in part
        assert "We have closed Autumn 2026. Thank you for taking part and for sharing what you know." in part
        assert "read-only" in part and "private session notes stay private" in part


def test_people_who_have_left_hear_nothing_of_the_close(world, django_capture_on_commit_callbacks):
    world.mentee2.leave_date = datetime.date(2026, 10, 1)
    world.mentee2.save(update_fields=["leave_date"])
    EnrolmentFactory(cohort=world.cohort, status="withdrawn")  # withdrew: not taking part
    move(django_capture_on_commit_callbacks, world.cohort, Cohort.State.CONCLUDING, world.admin)
    told = {pk for pk, _key in notices("closeout_begun")}
    assert told == {world.mentor.pk, world.mentee.pk, world.mentor2.pk}
    assert not Notification.objects.filter(person=world.mentee2).exists()
