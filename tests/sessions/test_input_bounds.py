"""Dates, limits and ids the pair's workspace takes from a request are bounded on the server."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from sessions import services
from sessions.models import ActionItem, MentoringSession, ScheduledSession
from tests.conftest import login
from tests.factories import GoalFactory
from tests.sessions.test_sessions import log_data

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def _schedule_post(client, world, date, time="09:30"):
    url = reverse("mentoring_sessions:session-schedule", args=[world.pair.pk])
    return client.post(url, {"date": date, "time": time, "duration_minutes": 45, "format": "video"})


def test_a_session_on_9999_12_31_is_refused_and_nothing_is_sent(
    client, frozen, django_capture_on_commit_callbacks
):
    login(client, frozen.mentor.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = _schedule_post(client, frozen, "9999-12-31", "23:30")
    assert response.status_code == 200
    assert "Pick a date between 1900-01-01 and 2100-12-31" in response.text
    assert not ScheduledSession.objects.exists() and not mail.outbox


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31"])
def test_dates_near_year_1_and_9999_are_refused_in_every_time_zone(client, frozen, zone, date):
    frozen.mentor.time_zone = zone
    frozen.mentor.save()
    login(client, frozen.mentor.user)
    response = _schedule_post(client, frozen, date, "00:00" if date.startswith("0001") else "23:59")
    assert response.status_code == 200 and "Pick a date between" in response.text


def test_a_session_after_the_cohort_ends_is_refused_by_the_service(frozen):
    after = datetime.datetime(2027, 3, 1, 10, 0, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="within the cohort, from 2026-09-01 to 2027-02-28"):
        services.session_schedule(
            pairing=frozen.pair, by=frozen.mentor, starts_at=after, duration_minutes=45, format="video"
        )
    assert not ScheduledSession.objects.exists()


def test_rescheduling_outside_the_cohort_is_refused_on_the_page(client, frozen):
    scheduled = services.session_schedule(
        pairing=frozen.pair,
        by=frozen.mentor,
        starts_at=NOW + datetime.timedelta(days=3),
        duration_minutes=45,
        format="video",
    )
    login(client, frozen.mentor.user)
    url = reverse("mentoring_sessions:session-schedule-edit", args=[frozen.pair.pk, scheduled.pk])
    response = client.post(
        url, {"date": "2027-06-01", "time": "10:00", "duration_minutes": 45, "format": "video"}
    )
    assert response.status_code == 200 and "within the cohort" in response.text
    scheduled.refresh_from_db()
    assert scheduled.sequence == 0


def _items(world, n):
    data = {"items-TOTAL_FORMS": str(n), "items-INITIAL_FORMS": "0"}
    for i in range(n):
        data |= {
            f"items-{i}-description": f"Item {i}",
            f"items-{i}-owner": str(world.mentee.pk),
            f"items-{i}-due_on": "",
        }
    return data


def test_more_action_items_than_the_limit_are_refused_by_the_form_and_the_service(client, frozen):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    response = client.post(url, {**log_data(frozen), **_items(frozen, ActionItem.PER_SESSION_MAX + 1)})
    assert response.status_code == 200
    assert not MentoringSession.objects.exists() and not ActionItem.objects.exists()

    item = {"description": "x", "owner": frozen.mentee, "due_on": None}
    with pytest.raises(ValidationError, match="at most 10 action items"):
        services.session_log(
            pairing=frozen.pair,
            by=frozen.mentee,
            held_on=datetime.date(2026, 10, 30),
            duration_minutes=30,
            format="video",
            rating=4,
            action_items=[item] * (ActionItem.PER_SESSION_MAX + 1),
        )
    assert not MentoringSession.objects.exists()


def test_a_total_forms_of_100_million_renders_at_most_the_limit(client, frozen):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    response = client.post(url, {**log_data(frozen), "items-TOTAL_FORMS": "100000000"})
    assert response.status_code == 200
    assert response.text.count('name="items-') <= 4 * ActionItem.PER_SESSION_MAX + 4
    assert not MentoringSession.objects.exists()


def test_shared_notes_have_a_length_limit(client, frozen):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    response = client.post(url, log_data(frozen, notes="x" * 100_001))
    assert response.status_code == 200 and not MentoringSession.objects.exists()


@pytest.mark.parametrize("template", ["²", "١", "9" * 25, "-1"])
def test_a_goal_template_that_is_not_an_id_is_a_404_not_a_500(client, frozen, template):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:goal-create", args=[frozen.pair.pk])
    assert client.get(url, {"template": template}).status_code == 404


def test_a_milestone_due_in_year_9999_is_refused(client, frozen):
    goal = GoalFactory(pairing=frozen.pair)
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:goal-milestone-add", args=[frozen.pair.pk, goal.pk])
    response = client.post(url, {"title": "Far away", "due_on": "9999-12-31"})
    assert response.status_code == 200 and not goal.milestones.exists()
