"""seed_demo: the organisation `make run` loads, and the data benchmarks run against."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Max
from django.utils import timezone

from demo.services import PROGRAMME_NAME, seed_demo
from matching.models import MatchRun, Pairing
from people.models import Person, Tag, Team
from programmes.models import Cohort, Enrolment, Programme
from sessions.models import ActionItem, CheckIn, Goal, GoalUpdate, MentoringSession, ScheduledSession

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Group,
    Team,
    Tag,
    Person,
    Programme,
    Cohort,
    Enrolment,
    MatchRun,
    Pairing,
    MentoringSession,
    Goal,
    CheckIn,
    ScheduledSession,
    ActionItem,
    GoalUpdate,
)


def run_seed_demo(**options) -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return run_seed_demo(people=60)


def person(username: str) -> Person:
    return Person.objects.get(user__username=username)


def active_pairing_of(username: str) -> Pairing:
    return Pairing.objects.select_related("mentor__person__user").get(
        status=Pairing.Status.ACTIVE, mentee__person__user__username=username
    )


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_the_five_demo_logins_authenticate_with_password_demo(seeded):
    for username in ("admin", "manager", "mentor", "mentee", "mentee2"):
        assert authenticate(username=username, password="demo") is not None, username
        assert username in seeded
    assert 'password "demo"' in seeded


def test_admin_is_a_programme_admin_and_can_use_the_django_admin(seeded):
    admin = User.objects.get(username="admin")
    assert admin.groups.filter(name=settings.ADMINS_GROUP).exists()
    assert admin.is_staff and admin.is_superuser


def test_mentee_is_paired_with_mentor_and_mentee2_with_another_mentor(seeded):
    pair, pair2 = active_pairing_of("mentee"), active_pairing_of("mentee2")
    assert pair.pk != pair2.pk
    assert pair.mentor.person.user.username == "mentor"
    assert pair2.mentor.person != pair.mentor.person
    assert pair.cohort.state == Cohort.State.ACTIVE == pair2.cohort.state


def test_mentees_pairing_has_sessions_a_goal_and_a_readable_explanation(seeded):
    pair = active_pairing_of("mentee")
    assert pair.sessions.count() >= 2
    assert pair.goals.count() == 1
    assert 0 <= pair.score <= 100
    assert any(line.startswith("Covers 3 of 3 goal areas") for line in pair.explanation)


def test_every_workspace_page_has_something_to_show(seeded, client):
    """The demo pairs have an upcoming session, open action items and goal progress, so the
    workspace, the schedule page and a goal page each show real content, not an empty state."""
    from django.urls import reverse

    now = timezone.now()
    for username in ("mentee", "mentee2"):
        pair = active_pairing_of(username)
        assert pair.scheduled_sessions.filter(starts_at__gt=now, cancelled_at__isnull=True).exists(), username
        assert pair.action_items.filter(done_at__isnull=True).exists(), username
        assert GoalUpdate.objects.filter(goal__pairing=pair).exists(), username
    assert ActionItem.objects.filter(done_at__isnull=False).exists()
    # A goal marked achieved reached its target, as the product requires without a confirmation.
    for goal in Goal.objects.filter(status=Goal.Status.ACHIEVED).prefetch_related("updates")[:50]:
        values = [u.value for u in goal.updates.all()]
        assert not values or goal.is_reached_by(max(values) if goal.target > goal.baseline else min(values))

    pair = active_pairing_of("mentee")
    client.force_login(User.objects.get(username="mentee"))
    page = client.get(pair.get_absolute_url()).text
    assert "Nothing planned yet." not in page and "Nothing open." not in page
    goal = pair.goals.get()
    assert (
        "No progress recorded yet"
        not in client.get(reverse("mentoring_sessions:goal-detail", args=[pair.pk, goal.pk])).text
    )


def test_manager_manages_at_least_eight_current_people_including_both_mentees(seeded):
    manager = person("manager")
    current = manager.reports.filter(leave_date__isnull=True)
    assert current.count() >= 8
    assert {"mentee", "mentee2"} <= set(current.values_list("user__username", flat=True))
    # Managers only see groups of five or more: enough of the team takes part to show something.
    enrolled = current.filter(enrolments__cohort__state=Cohort.State.ACTIVE).distinct()
    assert enrolled.count() >= 5


def test_every_active_pairing_keeps_mentor_and_mentee_in_its_cohort(seeded):
    pairings = Pairing.objects.filter(status=Pairing.Status.ACTIVE).select_related("mentor", "mentee")
    assert pairings.count() >= 5
    for pairing in pairings:
        assert pairing.mentor.cohort_id == pairing.mentee.cohort_id == pairing.cohort_id
        assert (pairing.mentor.role, pairing.mentee.role) == (Enrolment.Role.MENTOR, Enrolment.Role.MENTEE)
        assert pairing.match_run.status == MatchRun.Status.PUBLISHED


def test_mentors_take_no_more_mentees_than_their_capacity(seeded):
    for mentor in Enrolment.objects.filter(role=Enrolment.Role.MENTOR):
        assert mentor.pairings_as_mentor.count() <= mentor.capacity


def test_some_people_have_left_and_participants_left_less_often(seeded):
    left = Person.objects.filter(leave_date__lt=timezone.localdate())
    assert left.exists()
    participants = Person.objects.filter(enrolments__isnull=False).distinct()
    others = Person.objects.exclude(pk__in=participants)

    def leave_rate(people):
        return people.filter(leave_date__isnull=False).count() / people.count()

    assert leave_rate(participants) < leave_rate(others)


def test_a_couple_of_active_pairings_are_overdue_for_a_session(seeded):
    today = timezone.localdate()
    overdue = 0
    for pairing in Pairing.objects.filter(status=Pairing.Status.ACTIVE).annotate(
        last=Max("sessions__held_on")
    ):
        if pairing.days_since_last_session(pairing.last, today=today) > pairing.cohort.cadence_days:
            overdue += 1
    assert overdue >= 2


def test_there_is_a_closed_cohort_with_ended_pairings_and_achieved_goals(seeded):
    closed = Cohort.objects.get(programme__name=PROGRAMME_NAME, state=Cohort.State.CLOSED)
    assert not Pairing.objects.filter(cohort=closed).exclude(status=Pairing.Status.ENDED).exists()
    assert Goal.objects.filter(pairing__cohort=closed, status=Goal.Status.ACHIEVED).exists()


def test_a_sample_of_every_model_passes_full_clean(seeded):
    for model in (
        Team,
        Tag,
        Person,
        Programme,
        Cohort,
        Enrolment,
        MatchRun,
        Pairing,
        MentoringSession,
        Goal,
        CheckIn,
        ScheduledSession,
        ActionItem,
        GoalUpdate,
    ):
        rows = list(model.objects.order_by("?")[:10])
        assert rows, model.__name__
        for row in rows:
            row.full_clean()


def test_running_twice_adds_nothing_and_says_so(seeded):
    before = row_counts()
    output = run_seed_demo(people=60)
    assert "Demo data already present" in output
    assert row_counts() == before


def test_running_again_restores_a_changed_demo_password(seeded):
    mentee = User.objects.get(username="mentee")
    mentee.set_password("something else")
    mentee.save()
    run_seed_demo()
    assert authenticate(username="mentee", password="demo") is not None


@pytest.mark.parametrize("size", [30, 200])
def test_people_option_sets_the_size_of_the_organisation(db, size):
    run_seed_demo(people=size)
    assert 0.95 * size <= Person.objects.count() <= 1.05 * size
    assert person("manager").reports.filter(leave_date__isnull=True).count() >= 8
    assert active_pairing_of("mentee").mentor != active_pairing_of("mentee2").mentor


def test_same_seed_gives_the_same_organisation_and_another_seed_does_not(db):
    today = datetime.date(2026, 11, 2)

    def snapshot():
        return list(
            Person.objects.order_by("employee_id").values_list("employee_id", "full_name", "hire_date")
        )

    def wipe():
        for model in (
            MentoringSession,
            Goal,
            CheckIn,
            Pairing,
            MatchRun,
            Enrolment,
            Cohort,
            Programme,
            Person,
        ):
            model.objects.all().delete()

    seed_demo(people=40, seed=3, today=today)
    first = snapshot()
    wipe()
    seed_demo(people=40, seed=3, today=today)
    assert snapshot() == first
    wipe()
    seed_demo(people=40, seed=4, today=today)
    assert snapshot() != first


def test_too_small_an_organisation_is_refused(db):
    with pytest.raises(CommandError, match="at least"):
        run_seed_demo(people=5)
    assert not Programme.objects.exists()


def test_demo_people_left_behind_without_the_programme_are_reported_not_duplicated(db):
    mentee = User.objects.create_user("mentee")
    Person.objects.create(user=mentee, full_name="Someone Else", hire_date=datetime.date(2024, 1, 1))
    with pytest.raises(CommandError, match="empty database"):
        run_seed_demo()
    assert not Programme.objects.exists()


def test_demo_shows_every_stage_of_a_programme(seeded):
    from closeout.selectors import survey_summary
    from programmes.models import Enrolment, Programme

    programme = Programme.objects.get()
    assert programme.retention_target is not None and programme.csat_target is not None
    upcoming = Cohort.objects.get(state=Cohort.State.ENROLLING)
    statuses = set(upcoming.enrolments.values_list("status", flat=True))
    assert {Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED, Enrolment.Status.ACTIVE} <= statuses
    active = Cohort.objects.get(state=Cohort.State.ACTIVE)
    assert not active.enrolments.filter(profile_completed_at__isnull=True).exists()
    closed = Cohort.objects.get(state=Cohort.State.CLOSED)
    summary = survey_summary(closed)
    assert summary.overall.responses >= 5 and summary.overall.nps is not None


def test_the_demo_mentor_was_thanked_and_talks_with_the_demo_mentee(seeded):
    from closeout.contribution import contribution_of
    from closeout.models import Thanks
    from sessions.models import PairMessage

    closed = Cohort.objects.get(programme__name=PROGRAMME_NAME, state=Cohort.State.CLOSED)
    assert Thanks.objects.filter(pairing__cohort=closed).count() >= 3
    summary = contribution_of(person("mentor"))
    assert len(summary.cohorts) == 2 and summary.total.thanks >= 1 and summary.total.goals_achieved >= 1
    pair = active_pairing_of("mentee")
    messages = PairMessage.objects.filter(pairing=pair)
    assert {m.author.user.username for m in messages} == {"mentor", "mentee"}
    # The mentor's latest message waits for the mentee: the workspace shows it as new.
    assert messages.filter(read_at__isnull=True, author=person("mentor")).exists()
