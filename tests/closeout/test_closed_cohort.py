"""A closed cohort is read-only: nothing in its pairings can be logged or changed any more."""

import pytest
from django.urls import reverse

from closeout.models import Reflection, SurveyResponse
from matching.models import Pairing
from programmes.models import Cohort
from programmes.services import cohort_transition
from sessions.models import Goal, MentoringSession
from tests.conftest import login

SESSION = {
    "held_on": "2026-10-30",
    "duration_minutes": 45,
    "format": "video",
    "notes": "After close",
    "rating": "4",
}
GOAL = {
    "specific": "Lift CSAT on billing tickets",
    "metric": "CSAT %",
    "baseline": "82",
    "target": "90",
    "achievable": "Weekly reviews",
    "relevant": "CSAT",
    "due_on": "2027-01-31",
}


@pytest.fixture
def closed(frozen):
    """Closed through the real lifecycle: closing ends every active pairing as completed."""
    for state in (Cohort.State.CONCLUDING, Cohort.State.CLOSED):
        cohort_transition(cohort=frozen.cohort, to=state, by=frozen.admin)
    frozen.pair.refresh_from_db()
    assert frozen.pair.status == Pairing.Status.ENDED
    return frozen


@pytest.mark.parametrize("person", ["mentee", "mentor"])
def test_no_session_can_be_logged_in_a_closed_cohorts_pairing(client, closed, person):
    login(client, getattr(closed, person).user)
    response = client.post(reverse("mentoring_sessions:session-create", args=[closed.pair.pk]), SESSION)
    assert response.status_code == 200
    assert "read-only" in response.text
    assert not MentoringSession.objects.exists()


def test_no_goal_can_be_added_in_a_closed_cohorts_pairing(client, closed):
    login(client, closed.mentee.user)
    response = client.post(reverse("mentoring_sessions:goal-create", args=[closed.pair.pk]), GOAL)
    assert response.status_code == 200
    assert "read-only" in response.text
    assert not Goal.objects.exists()


def test_closed_workspace_offers_no_logging(client, closed):
    login(client, closed.mentee.user)
    response = client.get(closed.pair.get_absolute_url())
    assert response.status_code == 200
    assert reverse("mentoring_sessions:session-create", args=[closed.pair.pk]) not in response.text


def test_no_reflection_or_survey_answer_can_be_added_after_close(client, closed):
    login(client, closed.mentee.user)
    client.post(
        reverse("closeout:reflection", args=[closed.pair.pk]), {"achieved": "late", "learned": "late"}
    )
    client.post(reverse("closeout:survey", args=[closed.cohort.pk]), {"satisfaction": "5", "recommend": "10"})
    assert not Reflection.objects.exists()
    assert not SurveyResponse.objects.exists()


def test_no_pairing_can_be_ended_or_rematched_after_close(client, closed):
    login(client, closed.admin)
    client.post(reverse("closeout:pairing-end", args=[closed.pair.pk]), {"reason": "Not a good fit"})
    response = client.post(reverse("closeout:rematch", args=[closed.pair.mentee.pk]), {"mentor": 1})
    assert "This cohort is closed" in response.text
    closed.pair.refresh_from_db()
    assert closed.pair.outcome == Pairing.Outcome.COMPLETED
    assert Pairing.objects.filter(cohort=closed.cohort).count() == 2
