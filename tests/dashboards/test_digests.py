import datetime

from django.core import mail

from dashboards.digests import manager_digests_send
from dashboards.privacy import too_few
from programmes.models import Enrolment
from reminders.models import Reminder
from tests.conftest import empty_caches
from tests.factories import EnrolmentFactory, PairingFactory, PersonFactory

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


def test_digest_queries_do_not_grow_with_managers_reports_or_pairs(
    world, time_machine, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Measured at two sizes: more direct reports in pairs, and a second manager of the same teams
    (the figures are worked out once per set of teams), cost no query more."""
    time_machine.move_to(MORNING, tick=False)
    tier1, tier2 = world.teams
    # The dashboard's figures are most of it (one set of teams); the rest is fixed.
    with django_assert_num_queries(36), django_capture_on_commit_callbacks(execute=False):
        manager_digests_send(now=MORNING)
    Reminder.objects.all().delete()
    empty_caches()

    second = PersonFactory(full_name="Nia Manager", email="nia@example.com", team=tier2)
    for i in range(4):
        mentor = PersonFactory(team=tier2, manager=world.manager if i % 2 else second)
        mentee = PersonFactory(team=tier1, manager=second if i % 2 else world.manager)
        PairingFactory(
            match_run=world.run,
            mentor=EnrolmentFactory(cohort=world.cohort, person=mentor, role=Enrolment.Role.MENTOR),
            mentee=EnrolmentFactory(cohort=world.cohort, person=mentee),
        )
    with django_assert_num_queries(36), django_capture_on_commit_callbacks(execute=False):
        told = manager_digests_send(now=MORNING)
    assert len(told) == 2
