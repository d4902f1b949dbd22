import datetime

import pytest
import time_machine
from django.urls import reverse

from sessions.models import Goal, MentoringSession
from tests.conftest import login


@pytest.fixture
def frozen(world):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC), tick=False):
        yield world


def test_mentee_logs_a_rated_session(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]),
        {
            "held_on": "2026-10-30",
            "duration_minutes": 45,
            "format": "ticket_shadowing",
            "topics": ["de-escalation", "tooling"],
            "notes": "Shadowed two refund calls",
            "rating": "5",
        },
    )
    assert response.status_code == 302
    session = MentoringSession.objects.get(pairing=frozen.pair)
    assert (session.rating, session.logged_by, session.topics) == (
        5,
        frozen.mentee,
        ["de-escalation", "tooling"],
    )


def test_session_in_the_future_is_refused_and_keeps_what_was_typed(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:session-create", args=[frozen.pair.pk]),
        {
            "held_on": "2026-12-30",
            "duration_minutes": 45,
            "format": "video",
            "notes": "Kept text",
            "rating": "4",
        },
    )
    assert response.status_code == 200
    assert "the date is in the future" in response.text
    assert "Kept text" in response.text
    assert not MentoringSession.objects.exists()


def goal_data(**overrides):
    data = {
        "specific": "Lift CSAT on billing tickets",
        "metric": "CSAT %",
        "baseline": "82",
        "target": "90",
        "achievable": "Weekly ticket reviews",
        "relevant": "CSAT",
        "due_on": "2027-01-31",
    }
    return {**data, **overrides}


def test_mentee_adds_a_smart_goal(client, frozen):
    login(client, frozen.mentee.user)
    response = client.post(reverse("mentoring_sessions:goal-create", args=[frozen.pair.pk]), goal_data())
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.pairing, goal.created_by, goal.target) == (frozen.pair, frozen.mentee, 90)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"target": "82"}, "must differ from the baseline"),
        ({"due_on": "2027-06-01"}, "before the cohort ends"),
    ],
)
def test_goal_form_refuses_bad_input_and_keeps_what_was_typed(client, frozen, overrides, message):
    login(client, frozen.mentee.user)
    response = client.post(
        reverse("mentoring_sessions:goal-create", args=[frozen.pair.pk]), goal_data(**overrides)
    )
    assert response.status_code == 200
    assert message in response.text
    assert "Weekly ticket reviews" in response.text
    assert not Goal.objects.exists()
