"""The home page per role (home/views.py): what each sees, and its queries pinned at two sizes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Pairing
from programmes.models import Cohort, Enrolment
from sessions.models import ActionItem, ScheduledSession
from tests.agreements.conftest import signed_by_both
from tests.conftest import login
from tests.factories import (
    CheckInFactory,
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    PairingFactory,
    SessionFactory,
)
from training.models import Completion, TrainingModule

# Agreements signed, no training asked: these tests are about the other steps.
pytestmark = pytest.mark.usefixtures("steps_of_other_apps_done")


@pytest.fixture
def now(today, time_machine):
    moment = datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    return moment


def home(client, user) -> str:
    login(client, user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def grow(world, now, n: int) -> None:
    """n more of everything a home page reads: pairs for the mentor, their sessions, steps and
    goals, cohorts with applicants and a waitlist, people in the manager's teams."""
    for k in range(n):
        pairing = PairingFactory(match_run=world.run, mentor=world.pair.mentor)
        ScheduledSession.objects.create(
            pairing=pairing, starts_at=now + datetime.timedelta(days=1 + k), created_by=world.mentor
        )
        SessionFactory(pairing=pairing, logged_by=pairing.mentee.person)
        ActionItem.objects.create(pairing=pairing, description=f"Step {k}", owner=world.mentor)
        GoalFactory(pairing=pairing, due_on=now.date())
        cohort = CohortFactory(state=Cohort.State.ENROLLING, starts_on=datetime.date(2026, 12, 1))
        EnrolmentFactory(cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        EnrolmentFactory(cohort=cohort, person=world.mentee)


def test_a_mentee_sees_their_steps_and_their_mentor(client, world, now):
    ActionItem.objects.create(
        pairing=world.pair,
        description="Read the tone guide",
        owner=world.mentee,
        due_on=datetime.date(2026, 10, 30),
    )
    page = home(client, world.mentee.user)
    assert "Welcome, Ada" in page
    assert "Read the tone guide" in page and "Overdue: due 30 Oct" in page
    assert reverse("mentoring_sessions:checkin-create", args=[world.pair.pk]) in page
    assert "Your mentor Omar Mentor" in page
    assert "Needs your attention" not in page and "Open the dashboard" not in page


def test_a_mentee_all_caught_up_is_told_what_comes_next(client, world, now):
    from tests.factories import CheckInFactory

    CheckInFactory(pairing=world.pair, person=world.mentee, period_key="1")
    ScheduledSession.objects.create(
        pairing=world.pair, starts_at=now + datetime.timedelta(days=10), created_by=world.mentor
    )
    page = home(client, world.mentee.user)
    assert "You're all caught up." in page
    assert "What comes next: your session on Thursday 12 November, 09:00." in page


def test_a_mentor_with_several_mentees_sees_a_part_per_mentee(client, world, now):
    from tests.factories import CheckInFactory

    second = PairingFactory(match_run=world.run, mentor=world.pair.mentor)
    signed_by_both(world, second)
    CheckInFactory(pairing=second, person=world.mentor, period_key="1")
    page = home(client, world.mentor.user)
    assert page.count("Nothing to do for this pair.") == 1  # the pulse is owed in Ada's pair only
    assert "Ada Mentee" in page and second.mentee.person.full_name in page


def test_an_admin_sees_what_needs_attention_and_no_empty_mentoring_card(client, world, now):
    page = home(client, world.admin)
    assert "Needs your attention" in page
    assert "pairs not meeting as often as planned" in page
    assert "Your to-do list" not in page and "Open my mentoring" not in page


def test_a_manager_sees_their_dashboards_headline(client, world, now):
    page = home(client, world.manager.user)
    assert "Your teams' mentoring" in page and reverse("dashboards:overview") in page
    assert "Your to-do list" not in page and "Needs your attention" not in page


def test_a_person_in_nothing_gets_a_page_that_says_how_to_join(client, world, now):
    page = home(client, world.outsider.user)
    assert "You're not in a mentoring programme yet" in page
    assert "Your to-do list" not in page


def test_a_person_with_several_roles_sees_each_part(client, world, now, programme_admin_group):
    world.mentor.user.groups.add(programme_admin_group)
    world.outsider.manager = world.mentor
    world.outsider.save()
    page = home(client, world.mentor.user)
    assert "Your to-do list" in page and "Needs your attention" in page and "Your teams' mentoring" in page


# Each page reads the request's user (with their roles) first. Then a member: their enrolments
# (with cohorts: the profile steps and surveys are read from them), their running pairings' ids
# (the key their steps are kept under), the pairs (with the sessions to confirm), four more kinds of
# step, the reflections owed; someone enrolled nowhere stops at their enrolments. An admin: seven
# reads for every line. A manager: the dashboard's figures (its own pinned count), read once and
# kept.
@pytest.mark.parametrize("n", [0, 5])
@pytest.mark.parametrize(
    ("who", "queries"),
    [("mentee", 16), ("mentor", 16), ("admin", 10), ("manager", 19), ("outsider", 2)],
)
def test_query_count_does_not_grow_with_the_data(
    client, world, now, n, who, queries, django_assert_num_queries
):
    grow(world, now, n)
    user = world.admin if who == "admin" else getattr(world, who).user
    login(client, user)
    client.get(reverse("password_change"))  # the session is saved once after login
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200


def test_a_managers_headline_is_kept_with_the_dashboards_figures(
    client, world, now, django_assert_num_queries
):
    login(client, world.manager.user)
    client.get(reverse("home"))
    with django_assert_num_queries(3):  # the user, Maya's enrolments, her teams (the scope's key)
        assert client.get(reverse("home")).status_code == 200


def test_a_members_second_view_reads_their_pair_steps_from_the_cache(
    client, world, now, django_assert_num_queries
):
    login(client, world.mentee.user)
    first = client.get(reverse("home")).content.decode()
    # the user and their enrolments: the steps are kept under the stamps of what they show (home/kept.py)
    with django_assert_num_queries(2):
        again = client.get(reverse("home")).content.decode()
    assert "Answer this period" in first and "Answer this period" in again


# --- the kept steps (home/kept.py): every write a step depends on shows on the next look ----------


def _then_complete_training(world):
    module = TrainingModule.objects.create(
        programme=world.cohort.programme,
        title="Before you start",
        summary="Two minutes.",
        body="Read this.",
        requirement=TrainingModule.Requirement.BEFORE_FIRST_SESSION,
        audience=TrainingModule.Audience.MENTEE,
    )
    return "Before you start", lambda: Completion.objects.create(module=module, person=world.mentee)


def _then_answer_the_pulse(world):
    return "Answer this period", lambda: CheckInFactory(
        pairing=world.pair, person=world.mentee, period_key="1"
    )


def _then_finish_an_action_item(world):
    item = ActionItem.objects.create(
        pairing=world.pair, description="Read the tone guide", owner=world.mentee
    )
    return "Read the tone guide", lambda: ActionItem.objects.filter(pk=item.pk).update(done_at=timezone.now())


def _then_end_the_pairing(world):
    return "Answer this period", lambda: Pairing.objects.filter(pk=world.pair.pk).update(
        status=Pairing.Status.ENDED, ended_on=world.today, outcome=Pairing.Outcome.COMPLETED
    )


@pytest.mark.parametrize(
    "write",
    [_then_complete_training, _then_answer_the_pulse, _then_finish_an_action_item, _then_end_the_pairing],
)
def test_a_write_a_step_depends_on_shows_on_the_next_look(client, world, now, write):
    shown, act = write(world)
    login(client, world.mentee.user)
    assert shown in client.get(reverse("home")).content.decode()
    assert shown in client.get(reverse("home")).content.decode()  # kept now
    act()
    assert shown not in client.get(reverse("home")).content.decode()
