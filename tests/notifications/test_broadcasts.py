"""A message to a whole cohort is owed as one row in the request and told after commit, a chunk of
people at a time: told twice it tells each person once; killed half-way and told again, it tells
the rest, each once; a broadcast no worker started is taken up by the sweep."""

import datetime

import pytest
from django.utils import timezone

from notifications import broadcasts
from notifications.broadcasts import broadcast_tell, broadcasts_sweep
from notifications.models import Broadcast, Notification
from outbox.models import Message
from programmes.models import Cohort, Enrolment
from programmes.services import cohort_transition
from tests.factories import EnrolmentFactory, PersonFactory

SECOND = datetime.timedelta(seconds=1)
pytestmark = pytest.mark.usefixtures("working_hours")


@pytest.fixture
def big_cohort(world):
    """The world's cohort with 11 more mentees taking part: 15 people in all."""
    for i in range(11):
        EnrolmentFactory(
            cohort=world.cohort, person=PersonFactory(email=f"m{i}@example.com"), role=Enrolment.Role.MENTEE
        )
    return world.cohort


def begin_closeout(cohort, admin, capture) -> Broadcast:
    with capture(execute=False):  # committed, but the worker has not run
        cohort_transition(cohort=cohort, to=Cohort.State.CONCLUDING, by=admin)
    return Broadcast.objects.get(kind="closeout_begun")


def told():
    """(people told, emails owed) of close-out begun, and whether any person was told twice."""
    people = list(Notification.objects.filter(kind="closeout_begun").values_list("person_id", flat=True))
    emails = list(Message.objects.filter(kind="closeout_begun").values_list("to", flat=True))
    assert len(set(people)) == len(people) and len(set(emails)) == len(emails)
    return len(people), len(emails)


def test_the_request_owes_one_row_whatever_the_cohorts_size(
    big_cohort, world, django_capture_on_commit_callbacks
):
    broadcast = begin_closeout(big_cohort, world.admin, django_capture_on_commit_callbacks)
    assert (broadcast.people, broadcast.status, broadcast.cohort_id) == (15, "pending", big_cohort.pk)
    assert told() == (0, 0)


def test_told_twice_tells_each_person_once(big_cohort, world, django_capture_on_commit_callbacks):
    broadcast = begin_closeout(big_cohort, world.admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        assert broadcast_tell(broadcast_id=broadcast.pk)
        assert not broadcast_tell(broadcast_id=broadcast.pk)  # done: a duplicated task does nothing
        # Even run again from the start (a lost "done"), each person is told once.
        Broadcast.objects.filter(pk=broadcast.pk).update(status="pending", finished_at=None)
        assert broadcast_tell(broadcast_id=broadcast.pk)
    assert told() == (15, 15)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.attempts, broadcast.finished_at is not None) == ("done", 2, True)


def test_killed_half_way_then_told_again_completes_exactly_once(
    big_cohort, world, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(broadcasts, "CHUNK", 4)
    broadcast = begin_closeout(big_cohort, world.admin, django_capture_on_commit_callbacks)
    real = broadcasts.notify_many
    calls = []

    def dies_on_the_third_chunk(chunk, **kwargs):
        calls.append(len(chunk))
        if len(calls) == 3:
            raise RuntimeError("worker killed")
        return real(chunk, **kwargs)

    monkeypatch.setattr(broadcasts, "notify_many", dies_on_the_third_chunk)
    with django_capture_on_commit_callbacks(execute=False):
        assert not broadcast_tell(broadcast_id=broadcast.pk)
    assert told() == (8, 8)  # two chunks committed
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.claimed_at, broadcast.last_error) == (
        "pending",
        None,
        "RuntimeError: worker killed",
    )

    monkeypatch.setattr(broadcasts, "notify_many", real)
    with django_capture_on_commit_callbacks(execute=False):
        assert broadcasts_sweep() == [broadcast.pk]  # the sweep takes it up (tasks run inline here)
    assert told() == (15, 15)
    broadcast.refresh_from_db()
    assert broadcast.status == "done"


def test_a_broadcast_whose_worker_died_waits_for_its_lease_then_the_sweep_finishes_it(
    big_cohort, world, django_capture_on_commit_callbacks
):
    broadcast = begin_closeout(big_cohort, world.admin, django_capture_on_commit_callbacks)
    Broadcast.objects.filter(pk=broadcast.pk).update(claimed_at=world_now(), attempts=1)  # died holding it
    with django_capture_on_commit_callbacks(execute=False):
        assert broadcasts_sweep() == []
        assert broadcasts_sweep(now=world_now() + broadcasts.lease() + SECOND) == [broadcast.pk]


def world_now():
    return timezone.now()


def test_a_broadcast_that_keeps_failing_is_shown_failed(
    big_cohort, world, monkeypatch, django_capture_on_commit_callbacks
):
    broadcast = begin_closeout(big_cohort, world.admin, django_capture_on_commit_callbacks)
    Broadcast.objects.filter(pk=broadcast.pk).update(attempts=broadcasts.MAX_ATTEMPTS - 1)

    def broken(chunk, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(broadcasts, "notify_many", broken)
    with django_capture_on_commit_callbacks(execute=False):
        assert not broadcast_tell(broadcast_id=broadcast.pk)
    broadcast.refresh_from_db()
    assert (broadcast.status, broadcast.last_error) == ("failed", "RuntimeError: database gone")
    assert broadcasts_sweep() == []
