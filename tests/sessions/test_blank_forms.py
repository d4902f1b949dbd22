"""`crispy_blank` keeps crispy's rendering of a blank form (sessions/templatetags/blank_forms.py)."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import forms

from sessions.goal_forms import GoalStatusForm, GoalUpdateForm
from sessions.models import Goal
from sessions.templatetags.blank_forms import crispy_blank
from tests.conftest import login
from tests.factories import GoalFactory
from tests.sessions.test_goals import detail_url, goal_url


@pytest.fixture
def goal(world):
    return GoalFactory(pairing=world.pair)


def test_the_same_blank_form_is_rendered_once_and_matches_crispy():
    first = crispy_blank(GoalUpdateForm())
    assert crispy_blank(GoalUpdateForm()) is first
    assert first == as_crispy_form(GoalUpdateForm())


def test_other_initial_values_or_fields_are_rendered_apart():
    on_track = crispy_blank(GoalStatusForm(initial={"status": Goal.Status.ON_TRACK}))
    at_risk = crispy_blank(GoalStatusForm(initial={"status": Goal.Status.AT_RISK}))
    assert 'value="on_track" selected' in on_track and 'value="at_risk" selected' in at_risk
    short = GoalStatusForm(initial={"status": Goal.Status.ON_TRACK})
    del short.fields["short_of_target_confirmed"]
    assert "short_of_target_confirmed" not in crispy_blank(short)
    assert "short_of_target_confirmed" in crispy_blank(
        GoalStatusForm(initial={"status": Goal.Status.ON_TRACK})
    )


def test_a_bound_form_and_a_form_that_did_not_opt_in_are_always_rendered_afresh():
    bound = GoalUpdateForm({"value": "", "note": "typed"})
    assert crispy_blank(bound) is not crispy_blank(GoalUpdateForm({"value": "", "note": "typed"}))
    assert "typed" in crispy_blank(bound)

    class Other(forms.Form):
        name = forms.CharField()

    assert crispy_blank(Other()) is not crispy_blank(Other())


def test_the_goal_page_shows_the_status_the_goal_has_now(client, goal):
    login(client, goal.pairing.mentee.person.user)
    assert 'value="on_track" selected' in client.get(detail_url(goal)).text
    client.post(goal_url("goal-status", goal), {"status": "at_risk"})
    page = client.get(detail_url(goal)).text
    assert 'value="at_risk" selected' in page and 'value="on_track" selected' not in page
