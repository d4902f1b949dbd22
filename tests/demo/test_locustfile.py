"""The load test's journeys (demo/locustfile.py) work: locust runs them for a few seconds against
the live server on a small seeded organisation, with no failure. Not timed: `make bench` times them."""

import datetime

import pytest
from django.contrib.auth.models import User

from demo import loadtest
from demo.load import load_accounts, write_accounts
from demo.services import seed_demo
from matching.models import Pairing
from sessions.models import GoalUpdate, MentoringSession

TODAY = datetime.date.today()


@pytest.mark.timeout(300)
def test_every_journey_runs_against_the_live_server_without_an_error(live_server, tmp_path, settings):
    # The live server speaks plain HTTP, as gunicorn does for `make bench` (SECURE_COOKIES=false).
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    seed_demo(people=60, today=TODAY)
    accounts_file = tmp_path / "accounts.json"
    accounts = write_accounts(accounts_file, members=2)
    sessions_before = MentoringSession.objects.count()

    # One member, one manager and one admin: every journey in a few seconds.
    code, figures, output = loadtest.run_locust(
        host=live_server.url,
        accounts=str(accounts_file),
        users=3,
        seconds=8,
        folder=str(tmp_path),
        env={"LOAD_ADMINS": "1", "LOAD_MANAGERS": "1"},
    )

    by_name = {figure.name: figure for figure in figures}
    assert code == 0, output
    assert by_name["overall"].failures == 0, output
    assert by_name["overall"].requests > 10
    assert {"log in: send", "home", "workspace", "manager: dashboard", "admin: cohort page"} <= set(
        by_name
    ), sorted(by_name)
    assert len(accounts["members"]) == 2
    # The writes the journeys send were saved, in the pairs the load logins belong to.
    pairs = [member["pairing"] for member in accounts["members"]]
    if "log a session: save" in by_name:
        assert MentoringSession.objects.count() - sessions_before == by_name["log a session: save"].requests
    if "goal update: save" in by_name:
        assert GoalUpdate.objects.filter(goal__pairing__in=pairs, note__startswith="Load test").exists()


@pytest.mark.django_db
def test_each_member_journey_has_a_pair_of_its_own_with_a_session_and_a_goal():
    seed_demo(people=60, today=TODAY)

    accounts = load_accounts(members=5)
    again = load_accounts(members=5)

    assert accounts == again  # the same logins on a second run
    members = accounts["members"]
    assert len({member["pairing"] for member in members}) == len(members) >= 3
    for member in members:
        pairing = Pairing.objects.get(pk=member["pairing"])
        assert pairing.mentee.person.user == User.objects.get(username=member["username"])
        assert pairing.sessions.exists() and pairing.goals.filter(pk=member["goal"]).exists()
