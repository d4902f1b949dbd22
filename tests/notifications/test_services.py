import datetime
import email

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from notifications import links
from notifications.models import Notification, Preferences
from notifications.services import OwedNotice, email_mute, notify, notify_many
from outbox.models import Message
from outbox.services import message_send
from tests.factories import PersonFactory

# A Wednesday afternoon in UTC: inside everyone's default working hours.
WEDNESDAY_2PM = datetime.datetime(2026, 12, 2, 14, 0, tzinfo=datetime.UTC)
CONTEXT = {
    "name": "Ada",
    "cohort": {"name": "Spring", "programme": {"name": "Support"}},
    "profile_url": "/p/",
}


def _promote(person, *, key="promoted:1", now=WEDNESDAY_2PM):
    return notify(kind="promoted", person=person, key=key, context=CONTEXT, url="/pairings/", now=now)


@pytest.mark.django_db
# The clock at the notification's time: an email due at once is stamped with the clock's now.
@time_machine.travel(WEDNESDAY_2PM, tick=False)
def test_notify_records_notification_and_email_once():
    person = PersonFactory(full_name="Ada Lovelace")
    first = _promote(person)
    second = _promote(person)
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    message = Message.objects.get()
    assert message.key == first.key == "promoted:1"
    assert first.title == message.subject
    assert message.next_attempt_at <= WEDNESDAY_2PM


@pytest.mark.django_db
def test_email_carries_one_click_unsubscribe_headers(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = PersonFactory()
    _promote(person, now=timezone.now())
    message = Message.objects.get()
    message.next_attempt_at = timezone.now()
    message.save()
    assert message_send(message_id=message.pk)
    parsed = email.message_from_bytes(mail.outbox[0].message().as_bytes())
    url = parsed["List-Unsubscribe"].strip("<>")
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert links.read_unsubscribe_token(token) == (person.pk, "promoted")


@pytest.mark.django_db
def test_quiet_hours_hold_the_email_not_the_notification():
    person = PersonFactory()
    friday_night = datetime.datetime(2026, 12, 4, 22, 0, tzinfo=datetime.UTC)
    _promote(person, now=friday_night)
    assert Notification.objects.filter(person=person).exists()
    assert Message.objects.get().next_attempt_at == datetime.datetime(2026, 12, 7, 8, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_muted_kind_gets_notification_without_email():
    person = PersonFactory()
    email_mute(person=person, kind="promoted")
    _promote(person)
    assert Notification.objects.filter(person=person, kind="promoted").exists()
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_people_who_left_are_told_nothing():
    person = PersonFactory(leave_date=datetime.date(2026, 11, 1))
    assert _promote(person) is None
    assert not Notification.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_notify_many_costs_the_same_queries_for_one_or_many(django_assert_num_queries):
    people = PersonFactory.create_batch(6)
    Preferences.objects.create(person=people[0], muted_kinds=["nudge"])

    def owed(group, tag):
        return [OwedNotice(kind="promoted", person=p, key=f"p:{tag}:{p.pk}", context=CONTEXT) for p in group]

    # savepoint, known keys, preferences, 2 inserts, unread counters, 2 outbox lookups, kept keys, release
    with django_assert_num_queries(10) as one:
        notify_many(owed(people[:1], "a"), now=WEDNESDAY_2PM)
    with django_assert_num_queries(len(one.captured_queries)):
        notify_many(owed(people[1:], "b"), now=WEDNESDAY_2PM)
    assert Notification.objects.count() == 6


@pytest.mark.django_db
def test_one_click_unsubscribe_post_needs_no_login_or_csrf(client):
    client.handler.enforce_csrf_checks = True
    person = PersonFactory()
    token = links.unsubscribe_token(person_id=person.pk, kind="pulse")
    page = client.get(f"/notifications/unsubscribe/{token}/")
    assert page.status_code == 200
    assert not Preferences.objects.filter(person=person).exists()
    response = client.post(f"/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Preferences.objects.get(person=person).muted_kinds == ["pulse"]


@pytest.mark.django_db
def test_tampered_unsubscribe_link_is_404(client):
    person = PersonFactory()
    token = links.unsubscribe_token(person_id=person.pk, kind="pulse")
    assert client.post(f"/notifications/unsubscribe/{token[:-2]}xx/").status_code == 404
    assert not Preferences.objects.exists()


def test_unsubscribe_links_are_those_reverse_gives_for_their_token(db):
    """The route is reversed once; each link must still be exactly what reverse() makes of its token."""
    from django.conf import settings
    from django.urls import reverse

    from notifications import links

    for person_id, kind in [(1, "pulse"), (123456, "check_in_due"), (7, "manager_digest")]:
        token = links.unsubscribe_token(person_id=person_id, kind=kind)
        expected = settings.SITE_URL + reverse("notifications:unsubscribe", args=[token])
        assert links.unsubscribe_url(person_id=person_id, kind=kind) == expected
