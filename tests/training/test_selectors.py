import datetime

import pytest

from programmes.models import Cohort, Enrolment, Programme
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory
from training import selectors
from training.models import Completion, TrainingModule

from .conftest import require

LISTENING = "Active listening"  # both
FEEDBACK = "Giving feedback: situation, behaviour, impact"  # mentors
COACHING = "Coaching questions"  # mentors
BEING_A_MENTEE = "Being a mentee: preparing, asking, owning actions"  # mentees
TODAY = datetime.date(2026, 11, 2)


def test_missing_required_follows_role_stage_and_completions(world, modules):
    require(modules[LISTENING], TrainingModule.Requirement.BEFORE_MATCHING)
    require(modules[COACHING], TrainingModule.Requirement.BEFORE_MATCHING)
    require(modules[BEING_A_MENTEE], TrainingModule.Requirement.BEFORE_FIRST_SESSION)
    Completion.objects.create(module=modules[LISTENING], person=world.mentor)
    roles = {world.mentor.pk: "mentor", world.mentee.pk: "mentee", world.mentor2.pk: "mentor"}
    missing = selectors.missing_required(roles, world.cohort.programme_id, "matching")
    assert {pk: [m.title for m in left] for pk, left in missing.items()} == {
        world.mentor.pk: [COACHING],
        world.mentee.pk: [LISTENING],
        world.mentor2.pk: [LISTENING, COACHING],
    }
    first = selectors.missing_required(roles, world.cohort.programme_id, "first_session")
    assert {pk: [m.title for m in left] for pk, left in first.items()} == {world.mentee.pk: [BEING_A_MENTEE]}


@pytest.mark.parametrize("people", [3, 40])
def test_missing_required_runs_a_fixed_number_of_queries(world, modules, django_assert_num_queries, people):
    roles = {PersonFactory().pk: "mentor" for _ in range(people)}
    with django_assert_num_queries(1):  # nothing required: one look at the modules
        assert selectors.missing_required(roles, world.cohort.programme_id, "matching") == {}
    require(modules[COACHING], TrainingModule.Requirement.BEFORE_MATCHING)
    with django_assert_num_queries(2):
        assert len(selectors.missing_required(roles, world.cohort.programme_id, "matching")) == people


def test_todo_lists_required_modules_then_the_optional_ones_as_one_item(world, modules):
    require(modules[BEING_A_MENTEE], TrainingModule.Requirement.BEFORE_FIRST_SESSION)
    items = selectors.todo_for(world.mentee, today=TODAY)
    # Mentees see 4 modules (listening, ticket review, de-escalation, being a mentee): 1 required.
    assert [(i.kind, i.title) for i in items] == [
        ("training", f"Finish the training “{BEING_A_MENTEE}”"),
        ("training", "3 optional modules to read"),
    ]
    assert items[0].url == modules[BEING_A_MENTEE].get_absolute_url()
    assert items[0].detail == "Required before the first session"
    for title in (LISTENING, BEING_A_MENTEE, "De-escalation"):
        Completion.objects.create(module=modules[title], person=world.mentee)
    assert [i.title for i in selectors.todo_for(world.mentee, today=TODAY)] == ["1 optional module to read"]


def test_todo_is_empty_for_cohorts_that_are_over_or_people_not_enrolled(world, modules):
    assert selectors.todo_for(world.outsider, today=TODAY) == []
    world.cohort.state = Cohort.State.CONCLUDING
    world.cohort.save()
    assert selectors.todo_for(world.mentee, today=TODAY) == []


@pytest.mark.parametrize("programmes", [1, 4])
def test_todo_runs_one_query_whatever_the_person_has(world, modules, django_assert_num_queries, programmes):
    for n in range(programmes):
        cohort = CohortFactory(programme=Programme.objects.create(name=f"P{n}"), state=Cohort.State.ENROLLING)
        EnrolmentFactory(cohort=cohort, person=world.mentor, role=Enrolment.Role.MENTOR)
        require(
            cohort.programme.training_modules.get(title=COACHING), TrainingModule.Requirement.BEFORE_MATCHING
        )
    with django_assert_num_queries(1):
        items = selectors.todo_for(world.mentor, today=TODAY)
    assert len([i for i in items if i.title.startswith("Finish")]) == programmes


def test_completion_figures_worked_out_by_hand(world, modules):
    """The world cohort: 2 mentors (Omar, Lin), 2 mentees (Ada, Bo). Listening (both) required
    before matching, coaching (mentors) optional. Omar finished both, Ada listening, Bo coaching
    (not his: it must not count), Lin nothing; someone outside the cohort finished listening."""
    require(modules[LISTENING], TrainingModule.Requirement.BEFORE_MATCHING)
    for person, title in [
        (world.mentor, LISTENING),
        (world.mentor, COACHING),
        (world.mentee, LISTENING),
        (world.mentee2, COACHING),
        (world.outsider, LISTENING),
    ]:
        Completion.objects.create(module=modules[title], person=person)
    modules_now = selectors.cohort_module_figures(world.cohort)
    figures = {m.title: (m.completed_count, m.audience_count) for m in modules_now}
    assert figures[LISTENING] == (2, 4)
    assert figures[COACHING] == (1, 2)
    assert figures[BEING_A_MENTEE] == (0, 2)
    share = {m.title: m.share for m in modules_now}
    assert share[LISTENING] == 0.5

    totals = selectors.cohort_module_totals(world.cohort)
    # Mentors: listening, feedback, coaching, ticket review, de-escalation; mentees: listening,
    # ticket review, de-escalation, being a mentee. One required for each (listening).
    assert totals == {"mentor": {"modules": 5, "required": 1}, "mentee": {"modules": 4, "required": 1}}
    rows = {
        e.person.full_name: (e.required_done, e.modules_done)
        for e in selectors.cohort_completion_rows(world.cohort)
    }
    assert rows == {
        "Omar Mentor": (1, 2),
        "Lin Mentor": (0, 0),
        "Ada Mentee": (1, 1),
        "Bo Mentee": (0, 0),
    }
