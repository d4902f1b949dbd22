"""A form that creates something is submitted once: a repeated post of the same rendered form (same
token) creates nothing new and goes where the first post went."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from sessions.models import ActionItem, GoalComment, MentoringSession, ScheduledSession
from submissions.models import Submission
from tests.conftest import login
from tests.factories import GoalFactory
from tests.sessions.test_sessions import log_data

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


def token_on(page: str) -> str:
    """The token of the first form on the page, as the browser would post it."""
    return re.search(r'name="submission" value="([^"]+)"', page).group(1)


def test_two_identical_schedule_posts_create_one_session_and_one_invite_each(
    client, frozen, django_capture_on_commit_callbacks
):
    login(client, frozen.mentor.user)
    url = reverse("mentoring_sessions:session-schedule", args=[frozen.pair.pk])
    data = {
        "date": "2026-11-10",
        "time": "09:30",
        "duration_minutes": 45,
        "format": "video",
        "submission": token_on(client.get(url).text),
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, data)
        second = client.post(url, data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "already sent, so nothing was saved twice" in second.text
    assert ScheduledSession.objects.count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["mentee@example.com", "mentor@example.com"]


def test_logging_a_session_twice_logs_it_once_with_its_action_items(client, frozen):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    data = log_data(frozen, submission=token_on(client.get(url).text))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert MentoringSession.objects.count() == 1
    assert ActionItem.objects.count() == 1


def test_a_refused_post_releases_its_token_so_the_corrected_form_can_be_sent(client, frozen):
    goal = GoalFactory(pairing=frozen.pair)
    login(client, frozen.mentor.user)
    url = reverse("mentoring_sessions:goal-comment", args=[frozen.pair.pk, goal.pk])
    token = token_on(
        client.get(goal_url := reverse("mentoring_sessions:goal-detail", args=[frozen.pair.pk, goal.pk])).text
    )
    refused = client.post(url, {"text": "", "submission": token})
    assert refused.status_code == 200 and not Submission.objects.exists()
    assert client.post(url, {"text": "Well done", "submission": token})["Location"] == goal_url
    assert client.post(url, {"text": "Well done", "submission": token})["Location"] == goal_url
    assert GoalComment.objects.count() == 1


def test_each_rendering_of_a_form_has_its_own_token(client, frozen):
    login(client, frozen.mentor.user)
    url = reverse("mentoring_sessions:session-schedule", args=[frozen.pair.pk])
    assert token_on(client.get(url).text) != token_on(client.get(url).text)


def test_posts_without_a_token_still_work(client, frozen):
    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:session-create", args=[frozen.pair.pk])
    assert client.post(url, log_data(frozen)).status_code == 302
    assert MentoringSession.objects.count() == 1


@pytest.mark.parametrize(
    ("route", "data", "model"),
    [
        ("goal-update", {"value": "84", "note": "Two reviews done"}, "mentoring_sessions.GoalUpdate"),
        ("goal-milestone-add", {"title": "Shadow an escalation"}, "mentoring_sessions.Milestone"),
        ("goal-comment", {"text": "Nice progress"}, "mentoring_sessions.GoalComment"),
    ],
)
def test_the_goal_page_forms_create_once(client, frozen, route, data, model):
    from django.apps import apps

    goal = GoalFactory(pairing=frozen.pair)
    login(client, frozen.mentee.user)
    token = token_on(
        client.get(reverse("mentoring_sessions:goal-detail", args=[frozen.pair.pk, goal.pk])).text
    )
    url = reverse(f"mentoring_sessions:{route}", args=[frozen.pair.pk, goal.pk])
    for _ in range(2):
        assert client.post(url, {**data, "submission": token}).status_code == 302
    assert apps.get_model(model).objects.count() == 1


def test_a_check_in_and_a_goal_are_created_once(client, frozen):
    from sessions.models import CheckIn, Goal

    login(client, frozen.mentee.user)
    url = reverse("mentoring_sessions:checkin-create", args=[frozen.pair.pk])
    answer = {"satisfaction": "4", "meeting_regularly": "yes", "submission": token_on(client.get(url).text)}
    assert client.post(url, answer).status_code == 302
    assert client.post(url, answer).status_code == 302
    assert CheckIn.objects.count() == 1

    url = reverse("mentoring_sessions:goal-create", args=[frozen.pair.pk])
    goal = {
        "specific": "Faster first replies",
        "metric": "FRT",
        "baseline": "60",
        "target": "30",
        "due_on": "2027-01-31",
        "submission": token_on(client.get(url, {"step": "specific"}).text),
    }
    first = client.post(url, goal)
    assert client.post(url, goal)["Location"] == first["Location"]
    assert Goal.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_of_one_form_create_one_session(settings):
    """Four posts of the same rendered form at once (a double click on a slow page): the unique
    token makes the others wait for the first and then go where it went."""
    import threading

    from django.db import connection
    from django.test import Client

    from tests.factories import build_world

    world = build_world(today=NOW.date())
    url = reverse("mentoring_sessions:session-create", args=[world.pair.pk])
    data = log_data(world, submission="same-form-rendered-once-0123456789")
    start = threading.Barrier(4)
    statuses, errors = [], []

    def post():
        try:
            client = Client()
            client.force_login(world.mentee.user)
            start.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=True):
        threads = [threading.Thread(target=post) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == [] and statuses == [302] * 4
    assert MentoringSession.objects.count() == 1
    assert Submission.objects.count() == 1


def test_claims_older_than_thirty_days_are_forgotten(db):
    import datetime

    from django.utils import timezone

    from submissions.models import Submission
    from submissions.services import KEPT_FOR, submissions_forget

    now = timezone.now()
    Submission.objects.create(token="old" * 6, created_at=now - KEPT_FOR - datetime.timedelta(minutes=1))
    kept = Submission.objects.create(
        token="new" * 6, created_at=now - KEPT_FOR + datetime.timedelta(minutes=1)
    )

    assert submissions_forget(now=now) == 1
    assert list(Submission.objects.all()) == [kept]
