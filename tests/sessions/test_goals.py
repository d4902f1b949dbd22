import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from sessions import goals
from sessions.models import Goal, GoalComment, GoalTemplate, GoalUpdate, Milestone
from tests.conftest import login
from tests.factories import GoalFactory

NOW = datetime.datetime(2026, 11, 2, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def frozen(world):
    with time_machine.travel(NOW, tick=False):
        yield world


@pytest.fixture
def goal(frozen):
    # 90 days from creation to due date: each day is 1.1% of the time.
    return GoalFactory(
        pairing=frozen.pair, baseline=82, target=90, created_at=NOW, due_on=datetime.date(2027, 1, 31)
    )


def detail_url(goal):
    return reverse("mentoring_sessions:goal-detail", args=[goal.pairing_id, goal.pk])


def goal_url(name, goal, *extra):
    return reverse(f"mentoring_sessions:{name}", args=[goal.pairing_id, goal.pk, *extra])


# --- the suggestion rule ----------------------------------------------------------------------


def _updates(*values):
    return [GoalUpdate(value=Decimal(v)) for v in values]


def test_no_progress_at_the_start_is_on_track(goal):
    assert goals.suggested_status(goal, [], datetime.date(2026, 11, 2)).status == Goal.Status.ON_TRACK


def test_progress_lagging_time_by_more_than_a_fifth_is_at_risk(goal):
    # Half the time used (45 of 90 days), a quarter of the way (82 -> 84 of 82 -> 90).
    suggestion = goals.suggested_status(goal, _updates("84"), datetime.date(2026, 12, 17))
    assert (suggestion.status, suggestion.progress_percent, suggestion.elapsed_percent) == (
        Goal.Status.AT_RISK,
        25,
        50,
    )


def test_progress_close_to_time_used_is_on_track(goal):
    suggestion = goals.suggested_status(goal, _updates("83", "85"), datetime.date(2026, 12, 17))
    assert suggestion.status == Goal.Status.ON_TRACK


def test_reaching_the_target_suggests_achieved_in_either_direction(goal):
    assert goals.suggested_status(goal, _updates("91"), NOW.date()).status == Goal.Status.ACHIEVED
    falling = GoalFactory(pairing=goal.pairing, baseline=6, target=2, created_at=NOW)
    assert goals.suggested_status(falling, _updates("4"), NOW.date()).progress == 0.5
    assert goals.suggested_status(falling, _updates("2"), NOW.date()).status == Goal.Status.ACHIEVED


# --- the goal page ----------------------------------------------------------------------------


def test_mentee_records_progress_and_sees_the_chart_and_suggestion(client, goal):
    login(client, goal.pairing.mentee.person.user)
    response = client.post(goal_url("goal-update", goal), {"value": "84", "note": "Two reviews done"})
    assert response.status_code == 302 and response.url == detail_url(goal)
    update = GoalUpdate.objects.get()
    assert (update.value, update.created_by) == (84, goal.pairing.mentee.person)

    page = client.get(detail_url(goal)).text
    assert "<svg" in page and "Two reviews done" in page
    assert "25% of the way to target" in page
    assert "Suggested: <strong>On track</strong>" in page


def test_progress_without_a_value_is_refused_and_keeps_the_note(client, goal):
    login(client, goal.pairing.mentee.person.user)
    response = client.post(goal_url("goal-update", goal), {"value": "", "note": "Kept note"})
    assert response.status_code == 200
    assert "Kept note" in response.text
    assert not GoalUpdate.objects.exists()


def test_confirming_achieved_stamps_the_date_and_celebrates(client, goal):
    login(client, goal.pairing.mentee.person.user)
    client.post(goal_url("goal-update", goal), {"value": "90"})
    assert "Confirm: Achieved" in client.get(detail_url(goal)).text
    response = client.post(goal_url("goal-status", goal), {"status": "achieved"}, follow=True)
    goal.refresh_from_db()
    assert (goal.status, goal.achieved_at) == (Goal.Status.ACHIEVED, NOW)
    assert "Goal achieved!" in response.text
    assert (
        "Goal marked achieved" in response.text
        and "Marked achieved on 2 Nov 2026, with the target reached" in response.text
    )
    assert "Reached on" not in response.text


def test_a_goal_short_of_its_target_is_not_marked_achieved_without_saying_so(client, goal):
    login(client, goal.pairing.mentee.person.user)
    client.post(goal_url("goal-update", goal), {"value": "86"})  # half way from 82 to 90
    assert "mark the goal achieved anyway" in client.get(detail_url(goal)).text

    refused = client.post(goal_url("goal-status", goal), {"status": "achieved"})
    assert refused.status_code == 200 and "has not reached the target yet" in refused.text
    goal.refresh_from_db()
    assert (goal.status, goal.achieved_at) == (Goal.Status.ON_TRACK, None)

    response = client.post(
        goal_url("goal-status", goal), {"status": "achieved", "short_of_target_confirmed": "on"}, follow=True
    )
    goal.refresh_from_db()
    assert (goal.status, goal.achieved_at) == (Goal.Status.ACHIEVED, NOW)
    assert "Marked achieved on 2 Nov 2026, short of the target of 90" in response.text
    assert "Reached" not in response.text


def test_the_service_refuses_achieved_short_of_target_without_confirmation(goal):
    from django.core.exceptions import ValidationError

    person = goal.pairing.mentee.person
    with pytest.raises(ValidationError, match="has not reached the target"):
        goals.goal_status_set(goal=goal, by=person, status=Goal.Status.ACHIEVED)  # no progress at all
    GoalUpdate.objects.create(goal=goal, value=Decimal("91"), created_by=person)
    assert goals.goal_status_set(goal=goal, by=person, status=Goal.Status.ACHIEVED).is_achieved


def test_setting_the_status_back_clears_the_achieved_date(goal):
    person = goal.pairing.mentee.person
    goals.goal_status_set(goal=goal, by=person, status=Goal.Status.ACHIEVED, short_of_target_confirmed=True)
    goals.goal_status_set(goal=goal, by=person, status=Goal.Status.AT_RISK)
    goal.refresh_from_db()
    assert (goal.status, goal.achieved_at) == (Goal.Status.AT_RISK, None)


def test_milestones_are_added_and_ticked_done(client, goal):
    login(client, goal.pairing.mentee.person.user)
    client.post(goal_url("goal-milestone-add", goal), {"title": "Shadow two refund calls"})
    milestone = Milestone.objects.get()
    client.post(goal_url("goal-milestone-done", goal, milestone.pk), {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_at == NOW


def test_milestone_after_the_goal_is_due_is_refused(client, goal):
    login(client, goal.pairing.mentee.person.user)
    response = client.post(
        goal_url("goal-milestone-add", goal), {"title": "Too late", "due_on": "2027-02-15"}
    )
    assert response.status_code == 200 and "before the goal is due" in response.text
    assert "Too late" in response.text


def test_mentor_comments_on_the_goal(client, goal):
    login(client, goal.pairing.mentor.person.user)
    client.post(goal_url("goal-comment", goal), {"text": "Great start, try the refund macro."})
    comment = GoalComment.objects.get()
    assert comment.author == goal.pairing.mentor.person
    assert "(mentor)" in client.get(detail_url(goal)).text


def test_mentee_cannot_open_another_pairs_goal(client, goal, frozen):
    login(client, frozen.mentee2.user)
    assert client.get(detail_url(goal)).status_code == 404
    assert client.post(goal_url("goal-update", goal), {"value": "85"}).status_code == 404
    assert not GoalUpdate.objects.exists()


def test_goal_of_another_pairing_is_404_even_through_your_own_pairing(client, goal, frozen):
    login(client, frozen.mentee2.user)
    url = reverse("mentoring_sessions:goal-detail", args=[frozen.pair2.pk, goal.pk])
    assert client.get(url).status_code == 404


def test_ended_pairing_is_read_only(client, goal):
    pairing = goal.pairing
    pairing.status, pairing.ended_on, pairing.outcome = pairing.Status.ENDED, NOW.date(), "completed"
    pairing.save()
    login(client, goal.pairing.mentee.person.user)
    response = client.post(goal_url("goal-update", goal), {"value": "85"})
    assert response.status_code == 200 and "read-only" in response.text
    assert not GoalUpdate.objects.exists()
    assert "Record progress" not in client.get(detail_url(goal)).text


@pytest.mark.parametrize("size", [3, 40])
def test_goal_page_query_count_does_not_grow_with_history(client, goal, django_assert_num_queries, size):
    person = goal.pairing.mentee.person
    for i in range(size):
        GoalUpdate.objects.create(goal=goal, value=82 + i % 8, created_by=person)
        Milestone.objects.create(goal=goal, title=f"Step {i}")
        GoalComment.objects.create(goal=goal, author=person, text=f"Note {i}")
    login(client, person.user)
    # user (with person and roles), pairing, goal, updates, milestones, comments
    with django_assert_num_queries(6):
        assert client.get(detail_url(goal)).status_code == 200


# --- goal templates ---------------------------------------------------------------------------


def test_default_templates_are_created_once_and_listed_for_admins(client, world):
    # A data migration adds them on install; a transactional test's flush may have removed them,
    # so create them here the same way and check that doing it twice adds nothing.
    goals.ensure_default_templates()
    assert goals.ensure_default_templates() == 0
    assert GoalTemplate.objects.count() == len(goals.default_templates())
    login(client, world.admin)
    response = client.get(reverse("mentoring_sessions:goal-templates"))
    assert response.status_code == 200 and "Raise my CSAT" in response.text


def test_default_goal_templates_migration_matches_the_service_defaults():
    import importlib

    migration = importlib.import_module("sessions.migrations.0003_default_goal_templates")
    assert goals.default_templates() == migration.DEFAULTS


def test_admin_edits_a_template(client, world):
    goals.ensure_default_templates()
    template = GoalTemplate.objects.get(title="Raise my CSAT")
    login(client, world.admin)
    data = {
        "title": "Raise my CSAT",
        "specific": "Raise CSAT on chat",
        "metric": "CSAT",
        "unit": "%",
        "achievable": "",
        "relevant": "CSAT",
    }
    response = client.post(reverse("mentoring_sessions:goal-template-edit", args=[template.pk]), data)
    assert response.status_code == 302
    template.refresh_from_db()
    assert (template.specific, template.is_active) == ("Raise CSAT on chat", False)


def test_mentee_cannot_manage_templates(client, world):
    login(client, world.mentee.user)
    assert client.get(reverse("mentoring_sessions:goal-templates")).status_code == 403
    assert client.post(reverse("mentoring_sessions:goal-template-create"), {}).status_code == 403


# --- the guided form --------------------------------------------------------------------------


def create_url(pairing):
    return reverse("mentoring_sessions:goal-create", args=[pairing.pk])


ANSWERS = {
    "specific": "Close billing escalations without a hand-over",
    "metric": "Hand-overs per week",
    "unit": "tickets",
    "baseline": "6",
    "target": "2",
    "achievable": "Learn the refund tool with my mentor",
    "relevant": "Tier-2 readiness",
    "due_on": "2027-01-31",
}


def post_step(client, pairing, step, go="next", **answers):
    return client.post(create_url(pairing), {"step": step, "go": go, **answers})


def test_start_page_offers_templates_and_blank(client, frozen):
    goals.ensure_default_templates()
    login(client, frozen.mentee.user)
    response = client.get(create_url(frozen.pair))
    assert "Start blank" in response.text and "Raise my CSAT" in response.text


def test_template_prefills_the_steps(client, frozen):
    goals.ensure_default_templates()
    template = GoalTemplate.objects.get(title="Answer faster")
    login(client, frozen.mentee.user)
    response = client.get(create_url(frozen.pair), {"template": template.pk})
    assert "Step 1 of 5: Specific" in response.text
    assert template.specific in response.text
    assert 'value="Median first response time"' in response.text  # carried to the measurable step


def test_inactive_template_is_not_offered(client, frozen):
    template = GoalTemplate.objects.create(title="Old", specific="x", metric="y", is_active=False)
    login(client, frozen.mentee.user)
    assert "Old" not in client.get(create_url(frozen.pair)).text
    assert client.get(create_url(frozen.pair), {"template": template.pk}).status_code == 404
    assert client.get(create_url(frozen.pair), {"template": "nope"}).status_code == 404


def test_each_step_moves_on_only_when_its_answers_are_valid(client, frozen):
    login(client, frozen.mentee.user)
    response = post_step(client, frozen.pair, "specific", specific="")
    assert "Step 1 of 5" in response.text and "This field is required" in response.text

    response = post_step(client, frozen.pair, "specific", specific=ANSWERS["specific"])
    assert "Step 2 of 5: Measurable" in response.text
    # A fresh step shows no errors for answers not given yet.
    assert "This field is required" not in response.text


def test_measurable_step_refuses_target_equal_to_baseline_keeping_what_was_typed(client, frozen):
    login(client, frozen.mentee.user)
    answers = {**ANSWERS, "target": "6"}
    response = post_step(client, frozen.pair, "measurable", **answers)
    assert "Step 2 of 5" in response.text
    assert "must differ from the baseline" in response.text
    assert 'value="Hand-overs per week"' in response.text and 'value="6"' in response.text
    assert ANSWERS["achievable"] in response.text  # later answers ride along in hidden inputs


def test_timebound_step_refuses_a_date_after_the_cohort_keeping_it(client, frozen):
    login(client, frozen.mentee.user)
    response = post_step(client, frozen.pair, "timebound", **{**ANSWERS, "due_on": "2027-06-01"})
    assert "before the cohort ends" in response.text
    assert 'value="2027-06-01"' in response.text
    assert not Goal.objects.exists()


def test_timebound_step_refuses_a_date_in_the_past(client, frozen):
    login(client, frozen.mentee.user)
    response = post_step(client, frozen.pair, "timebound", **{**ANSWERS, "due_on": "2026-10-01"})
    assert "Pick a date in the future" in response.text
    assert not Goal.objects.exists()


def test_back_keeps_answers_without_validating(client, frozen):
    login(client, frozen.mentee.user)
    response = post_step(client, frozen.pair, "relevant", go="back", **{**ANSWERS, "relevant": ""})
    assert "Step 3 of 5: Achievable" in response.text
    assert ANSWERS["achievable"] in response.text


def test_last_step_saves_the_goal_and_opens_its_page(client, frozen):
    login(client, frozen.mentee.user)
    response = post_step(client, frozen.pair, "timebound", **ANSWERS)
    goal = Goal.objects.get()
    assert response.status_code == 302 and response.url == detail_url(goal)
    assert (goal.unit, goal.relevant, goal.created_by) == ("tickets", "Tier-2 readiness", frozen.mentee)


def test_mentee_cannot_start_a_goal_in_another_pairing(client, frozen):
    login(client, frozen.mentee2.user)
    assert client.get(create_url(frozen.pair)).status_code == 404
    assert post_step(client, frozen.pair, "timebound", **ANSWERS).status_code == 404


def test_blank_start_opens_an_empty_first_step(client, frozen):
    login(client, frozen.mentee.user)
    response = client.get(create_url(frozen.pair), {"step": "specific"})
    assert "Step 1 of 5: Specific" in response.text
    assert "This field is required" not in response.text


@pytest.mark.parametrize("size", [2, 20])
def test_goals_for_pairing_reads_progress_in_one_query(goal, django_assert_num_queries, size):
    person = goal.pairing.mentee.person
    for i in range(size):
        other = GoalFactory(pairing=goal.pairing, baseline=0, target=10, created_at=NOW)
        GoalUpdate.objects.create(goal=other, value=i % 10, created_by=person)
        GoalUpdate.objects.create(goal=other, value=5, created_by=person)
    with django_assert_num_queries(1):
        listed = list(goals.goals_for_pairing(goal.pairing))
    assert len(listed) == size + 1
    assert {goals.progress_share(g, g.latest_value) for g in listed} == {0.0, 0.5}
