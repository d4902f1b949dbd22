"""The unread counter the navigation shows: kept by notify_many and by marking read, without a query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from notifications.services import (
    OwedNotice,
    notification_open,
    notifications_mark_all_read,
    notify_many,
    unread_recount,
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

WEDNESDAY_2PM = datetime.datetime(2026, 12, 2, 14, 0, tzinfo=datetime.UTC)
CONTEXT = {
    "name": "Ada",
    "cohort": {"name": "Spring", "programme": {"name": "Support"}},
    "profile_url": "/p/",
}


def _notice(person, key):
    return OwedNotice(kind="promoted", person=person, key=key, context=CONTEXT, url="/pairings/")


def _unread(person):
    person.refresh_from_db(fields=["unread_notifications"])
    return person.unread_notifications


def test_notify_many_counts_each_new_notice_once_per_person():
    ada, bo = PersonFactory(), PersonFactory()
    notify_many([_notice(ada, "a1"), _notice(ada, "a2"), _notice(bo, "b1")], now=WEDNESDAY_2PM)
    assert (_unread(ada), _unread(bo)) == (2, 1)

    # The same keys again, plus one key twice in one call: only the new one counts, once.
    notify_many(
        [_notice(ada, "a1"), _notice(ada, "a3"), _notice(ada, "a3"), _notice(bo, "b1")], now=WEDNESDAY_2PM
    )
    assert (_unread(ada), _unread(bo)) == (3, 1)


def test_notify_many_updates_counters_in_a_fixed_number_of_queries(django_assert_num_queries):
    few, many = [PersonFactory() for _ in range(3)], [PersonFactory() for _ in range(15)]

    def owed(people, tag):
        # People given one, two or three notices: one UPDATE per distinct amount, not one per person.
        return [_notice(p, f"{tag}{i}:{j}") for i, p in enumerate(people) for j in range(1 + i % 3)]

    with CaptureQueriesContext(connection) as small:
        notify_many(owed(few, "f"), now=WEDNESDAY_2PM)
    with django_assert_num_queries(len(small.captured_queries)):
        notify_many(owed(many, "m"), now=WEDNESDAY_2PM)
    assert [_unread(p) for p in many[:4]] == [1, 2, 3, 1]


def test_opening_marks_read_and_counts_down_once():
    ada = PersonFactory()
    notify_many([_notice(ada, "a1"), _notice(ada, "a2")], now=WEDNESDAY_2PM)
    first = Notification.objects.get(key="a1")
    notification_open(notification=first)
    notification_open(notification=first)
    assert _unread(ada) == 1
    assert Notification.objects.get(key="a1").read_at is not None


def test_mark_all_read_brings_the_count_to_zero_and_leaves_others_alone():
    ada, bo = PersonFactory(), PersonFactory()
    notify_many([_notice(ada, "a1"), _notice(ada, "a2"), _notice(bo, "b1")], now=WEDNESDAY_2PM)
    assert notifications_mark_all_read(person=ada) == 2
    assert (_unread(ada), _unread(bo)) == (0, 1)
    assert notifications_mark_all_read(person=ada) == 0
    assert _unread(ada) == 0


def test_the_counter_never_goes_below_zero():
    ada = PersonFactory()
    notify_many([_notice(ada, "a1")], now=WEDNESDAY_2PM)
    ada.__class__.objects.filter(pk=ada.pk).update(unread_notifications=0)
    notification_open(notification=Notification.objects.get(key="a1"))
    assert _unread(ada) == 0


def test_recount_heals_a_miscount():
    ada = PersonFactory()
    notify_many([_notice(ada, "a1"), _notice(ada, "a2")], now=WEDNESDAY_2PM)
    ada.__class__.objects.filter(pk=ada.pk).update(unread_notifications=7)
    assert unread_recount(person=ada) == 2
    assert _unread(ada) == 2


def test_people_who_left_add_nothing_to_a_counter():
    gone = PersonFactory(leave_date=datetime.date(2026, 11, 1))
    notify_many([_notice(gone, "g1")], now=WEDNESDAY_2PM)
    assert _unread(gone) == 0
