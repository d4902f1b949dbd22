import datetime

from django.core import mail

from dashboards.digests import manager_digests_send
from dashboards.panels import too_few
from reminders.models import Reminder

MORNING = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


def test_each_manager_gets_the_months_digest_once_with_the_dashboards_privacy(
    world, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(MORNING, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        manager_digests_send(now=MORNING)
        manager_digests_send(now=MORNING + datetime.timedelta(days=3))

    assert list(Reminder.objects.values_list("kind", "person__full_name", "period_key")) == [
        ("manager_digest", "Maya Manager", "2026-11")
    ]
    (email,) = mail.outbox
    assert email.to == ["manager@example.com"]
    assert email.subject == "Your teams' mentoring, November 2026"
    assert "Hi Maya," in email.body
    # Two people in pairs: every figure is a group under five, so none is shown, and nobody is named.
    assert too_few() in email.body
    for name in ("Omar", "Ada", "Lin", "Bo"):
        assert name not in email.body


def test_next_month_brings_the_next_digest(world, time_machine, django_capture_on_commit_callbacks):
    time_machine.move_to(MORNING, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        manager_digests_send(now=MORNING)
        manager_digests_send(now=MORNING + datetime.timedelta(days=30))
    assert sorted(Reminder.objects.values_list("period_key", flat=True)) == ["2026-11", "2026-12"]
    assert len(mail.outbox) == 2
