"""The nightly retention task: the words of cohorts closed longer than RETENTION_DAYS go, their
figures stay; newer cohorts, and every cohort when RETENTION_DAYS is 0, are left alone."""

import datetime

import pytest
from django.utils import timezone

from privacy import tasks
from privacy.models import CohortClosure
from privacy.registry import HOLDINGS, resolve_blank
from privacy.retention import cohort_content_remove, cohorts_past_retention
from programmes.models import Cohort
from programmes.services import cohort_transition
from sessions.models import CheckIn, MentoringSession, PairMessage, SessionPrivateNote
from tests.factories import CohortFactory, PairingFactory, SessionFactory

UTC = datetime.UTC


@pytest.fixture
def closed(held, time_machine):
    """The world's cohort closed on 2026-12-01 (through its lifecycle), and another pair's words
    in a cohort still active."""
    world = held.world
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False)
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CONCLUDING)
    cohort_transition(cohort=Cohort.objects.get(pk=world.cohort.pk), to=Cohort.State.CLOSED, by=world.admin)
    other = PairingFactory(match_run__cohort=CohortFactory(name="Still going"))
    return held, other


def test_closing_a_cohort_records_when(closed):
    held, _other = closed
    closure = CohortClosure.objects.get(cohort=held.world.cohort)
    assert closure.closed_at == datetime.datetime(2026, 12, 1, 9, tzinfo=UTC)


def test_a_cohort_is_kept_until_the_period_has_passed(closed, settings, time_machine):
    held, _other = closed
    settings.RETENTION_DAYS = 30
    time_machine.move_to(datetime.datetime(2026, 12, 31, 8, tzinfo=UTC), tick=False)
    assert tasks.apply_retention() == 0
    assert PairMessage.objects.filter(body="Ada writes to Omar").exists()

    time_machine.move_to(datetime.datetime(2026, 12, 31, 10, tzinfo=UTC), tick=False)
    assert list(cohorts_past_retention()) == [held.world.cohort]


def test_retention_removes_the_words_of_old_cohorts_and_keeps_their_figures(closed, settings, time_machine):
    held, other = closed
    world = held.world
    other_session = SessionFactory(pairing=other, notes="Words of a cohort still going")
    settings.RETENTION_DAYS = 30
    ratings = list(MentoringSession.objects.order_by("pk").values_list("rating", "partner_rating"))
    scores = list(CheckIn.objects.order_by("pk").values_list("satisfaction", flat=True))
    time_machine.move_to(datetime.datetime(2027, 1, 5, tzinfo=UTC), tick=False)

    assert tasks.apply_retention() == 1

    for holding in HOLDINGS:
        if holding.cohort is None or not holding.free_text:
            continue
        rows = holding.model_class._base_manager.filter(**{holding.cohort: world.cohort.pk})
        if holding.delete:
            assert not rows.exists(), holding.model
            continue
        expected = {name: resolve_blank(value) for name, value in holding.blanked().items()}
        for row in rows.values(*expected):
            assert row == expected, holding.model
    assert not SessionPrivateNote.objects.exists()
    assert MentoringSession.objects.get(pk=other_session.pk).notes == "Words of a cohort still going"
    assert list(MentoringSession.objects.order_by("pk").values_list("rating", "partner_rating")) == ratings
    assert list(CheckIn.objects.order_by("pk").values_list("satisfaction", flat=True)) == scores
    assert CohortClosure.objects.get(cohort=world.cohort).content_removed_at == timezone.now()
    # Done once: the next night finds nothing to do.
    assert tasks.apply_retention() == 0


def test_retention_zero_keeps_everything_forever(closed, settings, time_machine):
    settings.RETENTION_DAYS = 0
    time_machine.move_to(datetime.datetime(2036, 1, 1, tzinfo=UTC), tick=False)
    assert tasks.apply_retention() == 0
    assert PairMessage.objects.filter(body="Ada writes to Omar").exists()


def test_a_cohort_closed_before_closures_were_recorded_counts_from_its_end(world, settings, time_machine):
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CLOSED)
    settings.RETENTION_DAYS = 30
    time_machine.move_to(datetime.datetime(2027, 3, 30, tzinfo=UTC), tick=False)  # ends_on 2027-02-28
    assert list(cohorts_past_retention()) == []
    time_machine.move_to(datetime.datetime(2027, 4, 1, tzinfo=UTC), tick=False)
    assert list(cohorts_past_retention()) == [world.cohort]


def test_removal_goes_a_chunk_at_a_time_and_twice_is_harmless(held):
    world = held.world
    for i in range(7):
        PairMessage.objects.create(pairing=world.pair, author=world.mentor, body=f"note {i}")
    first = cohort_content_remove(cohort=world.cohort, chunk=3)
    second = cohort_content_remove(cohort=world.cohort, chunk=3)

    # Both pairs of the cohort: 2 + 7 messages in the first, 1 in the second.
    assert first["mentoring_sessions.PairMessage"] == 10 == second["mentoring_sessions.PairMessage"]
    assert set(PairMessage.objects.values_list("body", flat=True)) == {"[erased]"}


def test_the_task_is_on_beats_schedule(settings):
    assert settings.CELERY_BEAT_SCHEDULE["privacy-retention"]["task"] == "privacy.tasks.apply_retention"


def test_dashboard_figures_are_the_same_after_retention(answers, settings):
    from dashboards.filters import Scope
    from tests.privacy.test_services import _figures

    org = answers
    Cohort.objects.filter(pk=org.cohort.pk).update(state=Cohort.State.CLOSED)
    settings.RETENTION_DAYS = 30
    everyone = Scope(teams=None, team_key="all")
    before = _figures(everyone, org.today)

    assert tasks.apply_retention() == 1

    assert _figures(everyone, org.today) == before
    assert before["active_pairings"] == 6
