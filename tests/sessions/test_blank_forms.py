"""`crispy_blank` keeps crispy's rendering of a blank form (sessions/templatetags/blank_forms.py)."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import forms
from django.urls import reverse

from sessions.goal_forms import GoalStatusForm, GoalUpdateForm
from sessions.models import Goal
from sessions.templatetags.blank_forms import crispy_blank, crispy_blank_field
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


def test_each_field_of_the_session_log_renders_as_crispy_renders_it(world):
    from sessions.forms import SessionForm

    for _ in range(2):  # the second time from what was kept
        form, fresh = SessionForm(pairing=world.pair), SessionForm(pairing=world.pair)
        for name in form.fields:
            assert crispy_blank_field(form[name]) == as_crispy_field(fresh[name]), name


def test_one_pairs_open_action_items_never_show_on_anothers_log_form(client, world):
    from sessions.models import ActionItem

    ActionItem.objects.create(pairing=world.pair, description="PAIR ONE ITEM", owner=world.mentee)
    ActionItem.objects.create(pairing=world.pair2, description="PAIR TWO ITEM", owner=world.mentee2)
    for _ in range(2):
        login(client, world.mentee.user)
        one = client.get(reverse("mentoring_sessions:session-create", args=[world.pair.pk])).text
        login(client, world.mentee2.user)
        two = client.get(reverse("mentoring_sessions:session-create", args=[world.pair2.pk])).text
        assert "PAIR ONE ITEM" in one and "PAIR TWO ITEM" not in one
        assert "PAIR TWO ITEM" in two and "PAIR ONE ITEM" not in two


def test_the_schedule_form_says_each_persons_own_time_zone(client, world):
    world.mentor.time_zone = "Europe/Berlin"
    world.mentor.save()
    url = reverse("mentoring_sessions:session-schedule", args=[world.pair.pk])
    for _ in range(2):
        login(client, world.mentor.user)
        assert "In your time zone (Europe/Berlin)" in client.get(url).text
        login(client, world.mentee.user)
        assert f"In your time zone ({world.mentee.time_zone})" in client.get(url).text
