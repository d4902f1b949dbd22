"""The demo logins' homes show the page's parts (`make run`): a mentor with two mentees, something
to confirm, an action item due, a manager's headline, an admin's lines."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from home import selectors


@pytest.fixture
def seeded(db):
    call_command("seed_demo", people=60, stdout=open("/dev/null", "w"))  # noqa: SIM115


def member(username):
    person = User.objects.get(username=username).person
    return selectors.member_home(person, today=timezone.localdate())


def test_the_demo_mentor_has_two_mentees_and_sessions_to_confirm(seeded):
    home = member("mentor")
    assert len(home.groups) >= 2
    assert "session-confirm" in {item.kind for item in home.items}


def test_the_demo_mentees_have_an_action_item_due_and_a_session_this_week(seeded):
    for username in ("mentee", "mentee2"):
        kinds = {item.kind for item in member(username).items if item.due}
        assert {"action-item", "session-upcoming"} <= kinds, username
    assert "action-item" in {item.kind for item in member("mentor").items}


def test_the_demo_admin_has_lines_to_act_on(seeded):
    assert selectors.admin_attention(today=timezone.localdate())
