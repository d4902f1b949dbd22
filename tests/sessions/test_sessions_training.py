"""Planning or logging the pair's first session waits for training required before it."""

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions.models import MentoringSession, ScheduledSession
from tests.conftest import login
from tests.factories import SessionFactory
from training.models import Completion, TrainingModule

from .test_sessions import NOW, _schedule, log_data, schedule_url

BEING_A_MENTEE = "Being a mentee: preparing, asking, owning actions"


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


@pytest.fixture
def required(frozen):
    module = TrainingModule.objects.get(programme=frozen.cohort.programme, title=BEING_A_MENTEE)
    module.requirement = TrainingModule.Requirement.BEFORE_FIRST_SESSION
    module.save()
    return module


def test_a_mentee_without_the_training_cannot_plan_the_first_session(frozen, required):
    with pytest.raises(ValidationError, match="Finish the training required before your first session"):
        _schedule(frozen, by=frozen.mentee)
    assert not ScheduledSession.objects.exists()
    # The module is for mentees: the mentor plans it.
    _schedule(frozen, by=frozen.mentor)
    assert ScheduledSession.objects.count() == 1


def test_logging_the_first_session_is_refused_with_a_link_to_the_module(client, frozen, required):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    response = client.post(url, log_data(frozen))
    assert response.status_code == 200
    assert "Finish the training required before your first session" in response.text
    assert reverse("training:module", args=[required.pk]) in response.text
    assert not MentoringSession.objects.exists()

    Completion.objects.create(module=required, person=frozen.mentee)
    assert client.post(url, log_data(frozen)).status_code == 302
    assert MentoringSession.objects.count() == 1


def test_the_schedule_page_links_to_the_module_when_refused(client, frozen, required):
    login(client, frozen.mentee.user)
    response = client.post(
        schedule_url(frozen.pair),
        {"date": "2026-11-10", "time": "09:30", "duration_minutes": 45, "format": "video", "agenda": ""},
    )
    assert response.status_code == 200
    assert reverse("training:module", args=[required.pk]) in response.text
    assert not ScheduledSession.objects.exists()


def test_once_the_pair_has_met_the_rule_no_longer_applies(frozen, required):
    SessionFactory(pairing=frozen.pair, logged_by=frozen.mentor)
    _schedule(frozen, by=frozen.mentee)
    assert ScheduledSession.objects.count() == 1
