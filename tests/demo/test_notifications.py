"""The demo's messages: each demo login has a few notifications (some unread, the counter right),
the programme has one wording of its own, and the active cohort's message log shows every state."""

import pytest
from django.urls import reverse

from notifications.models import Notification, Wording
from outbox.models import Message
from people.models import Person
from programmes.models import Cohort
from tests.conftest import login
from tests.demo.test_seed_demo import run_seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    run_seed_demo(people=60)


def test_every_demo_login_has_notifications_some_unread_and_the_counter_agrees(seeded):
    # The admin login is no one in the organisation (no person), so it has no notifications page.
    for username in ("manager", "mentor", "mentee", "mentee2"):
        person = Person.objects.get(user__username=username)
        mine = Notification.objects.filter(person=person)
        assert mine.exists(), username
        assert person.unread_notifications == mine.filter(read_at__isnull=True).count()
    assert Notification.objects.filter(read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()
    for row in Notification.objects.all():
        row.full_clean()


def test_the_programme_has_one_wording_of_its_own(seeded):
    (wording,) = Wording.objects.all()
    assert wording.kind == "check_in_due" and "{first_name}" in wording.subject


def test_the_active_cohorts_message_log_shows_sent_held_failed_and_cancelled(seeded, client):
    from django.contrib.auth.models import User

    cohort = Cohort.objects.get(state=Cohort.State.ACTIVE)
    log = Message.objects.filter(cohort_id=cohort.pk)
    assert set(log.values_list("status", flat=True)) >= {"sent", "pending", "failed", "cancelled"}
    for row in log:
        row.full_clean()
    login(client, User.objects.get(username="admin"))
    page = client.get(reverse("programmes:cohort-messages", args=[cohort.pk]))
    assert page.status_code == 200
    assert "550 mailbox unavailable" in page.text
