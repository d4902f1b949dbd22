"""The home page's reads (home/selectors.py). The world's `today` is Monday 2 November 2026: both
pairs started on 8 September and have never met (a 14-day cadence), the pulse's period 1 ends today."""

import datetime

import pytest
from django.urls import reverse

from home import selectors
from mentorship.todo import TodoItem
from outbox.models import Message
from programmes.models import Cohort, Enrolment
from sessions.models import ActionItem, MentoringSession
from tests.agreements.conftest import signed_by_both
from tests.factories import CheckInFactory, CohortFactory, EnrolmentFactory, PairingFactory, SessionFactory
from training.models import TrainingModule

# Agreements signed, no training asked: these tests are about the other steps.
pytestmark = pytest.mark.usefixtures("steps_of_other_apps_done")


@pytest.fixture
def now(today, time_machine):
    moment = datetime.datetime.combine(today, datetime.time(9, 0), tzinfo=datetime.UTC)
    time_machine.move_to(moment, tick=False)
    return moment


# --- a member's list ------------------------------------------------------------------------------


def test_steps_are_sorted_by_due_date_overdue_first_and_undated_last(world, now, today, monkeypatch):
    day = datetime.date

    def provider(person, *, today):
        return [
            TodoItem(kind="a", title="undated", url="/a/"),
            TodoItem(kind="b", title="next week", url="/b/", due=day(2026, 11, 9)),
            TodoItem(kind="c", title="last week", url="/c/", due=day(2026, 10, 26)),
            TodoItem(kind="d", title="today", url="/d/", due=today),
        ]

    # A new app's steps are one more provider: the lanes' training and agreements add theirs so.
    monkeypatch.setattr(selectors, "PROVIDERS", (provider,))
    items = selectors.todo_for(world.mentee, today=today)
    assert [i.title for i in items] == ["last week", "today", "next week", "undated"]
    shown = selectors.member_home(world.mentee, today=today).items
    assert [(s.overdue, s.due_label) for s in shown] == [
        (True, "Overdue: due 26 Oct"),
        (False, "Due today"),
        (False, "Due 9 Nov"),
        (False, ""),
    ]


def test_every_provider_is_asked(world, now, today):
    ActionItem.objects.create(pairing=world.pair, description="Read the tone guide", owner=world.mentee)
    world.cohort.state = Cohort.State.CONCLUDING
    world.cohort.save()
    enrolling = CohortFactory(
        state=Cohort.State.ENROLLING, starts_on=datetime.date(2027, 3, 1), ends_on=datetime.date(2027, 9, 1)
    )
    EnrolmentFactory(cohort=enrolling, person=world.mentee)
    kinds = [item.kind for item in selectors.todo_for(world.mentee, today=today)]
    assert sorted(kinds) == ["action-item", "profile", "reflection", "survey", "thanks"]


def test_a_mentor_with_several_mentees_sees_steps_per_pair(world, now, today):
    third = PairingFactory(match_run=world.run, mentor=world.pair.mentor)
    signed_by_both(world, third)
    # Each pair has a session of the mentee's to confirm; the mentor's own pulse is owed in both.
    for pairing in (world.pair, third):
        SessionFactory(pairing=pairing, held_on=datetime.date(2026, 10, 30), logged_by=pairing.mentee.person)
    CheckInFactory(pairing=third, person=world.mentor, period_key="1")
    # A step that belongs to no pair.
    world_enrolment = EnrolmentFactory(
        cohort=CohortFactory(
            state=Cohort.State.ENROLLING,
            starts_on=datetime.date(2027, 3, 1),
            ends_on=datetime.date(2027, 9, 1),
        ),
        person=world.mentor,
    )
    home = selectors.member_home(world.mentor, today=today)
    assert [group.pair.pairing_id for group in home.groups] == [world.pair.pk, third.pk]
    assert [[i.kind for i in group.items] for group in home.groups] == [
        ["pulse", "session-confirm"],
        ["session-confirm"],
    ]
    assert [group.pair.partner_name for group in home.groups] == ["Ada Mentee", third.mentee.person.full_name]
    assert [i.url for i in home.other_items] == [reverse("enrolment:profile", args=[world_enrolment.pk])]


def test_a_mentor_with_one_mentee_gets_one_list(world, now, today):
    home = selectors.member_home(world.mentor, today=today)
    assert home.groups == [] and [i.kind for i in home.items] == ["pulse"]


def test_all_caught_up_says_when_the_next_session_is(world, now, today):
    CheckInFactory(pairing=world.pair, person=world.mentee, period_key="1")
    from sessions.models import ScheduledSession

    later = now + datetime.timedelta(days=12)
    ScheduledSession.objects.create(pairing=world.pair, starts_at=later, created_by=world.mentor)
    home = selectors.member_home(world.mentee, today=today)
    assert home.items == [] and home.shown and home.next_session_at == later


def test_a_person_in_nothing_is_not_shown_a_list_and_no_provider_is_asked(
    world, now, today, monkeypatch, django_assert_num_queries
):
    def provider(person, *, today):
        raise AssertionError("asked")

    monkeypatch.setattr(selectors, "PROVIDERS", (provider,))
    with django_assert_num_queries(1):  # their enrolments (none: their pairs are not looked for)
        assert not selectors.member_home(world.outsider, today=today).shown


# --- programme admins -------------------------------------------------------------------------------


def _lines(today):
    return [(line.kind, line.count, line.cohort, line.url) for line in selectors.admin_attention(today=today)]


def test_an_admin_sees_each_line_with_its_count_and_the_page_that_acts_on_it(world, now, today):
    # Pair 2 met on 30 October: within its 14 days. Pair 1 never met since 8 September: silent.
    SessionFactory(pairing=world.pair2, held_on=datetime.date(2026, 10, 30))
    # Bo's latest check-in is a low score: one flagged pair.
    CheckInFactory(pairing=world.pair2, person=world.mentee2, satisfaction=2, period_key="1")
    # A mentee enrolled but not matched in the running cohort.
    EnrolmentFactory(cohort=world.cohort)
    # An enrolling cohort past its start, with two mentor applications and one waitlisted mentee.
    late = CohortFactory(
        name="Late",
        state=Cohort.State.ENROLLING,
        starts_on=datetime.date(2026, 10, 1),
        ends_on=datetime.date(2027, 3, 1),
    )
    for _ in range(2):
        EnrolmentFactory(cohort=late, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
    EnrolmentFactory(cohort=late, status=Enrolment.Status.WAITLISTED)
    # A cohort with nothing to do shows no line at all; a closed one is not looked at.
    CohortFactory(name="Quiet", state=Cohort.State.ENROLLING, starts_on=datetime.date(2027, 1, 4))
    closed = CohortFactory(name="Old", state=Cohort.State.CLOSED)
    EnrolmentFactory(cohort=closed, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
    Message.objects.create(
        key="k1", kind="enrolled", to="a@example.com", subject="s", text="t", status="failed"
    )
    Message.objects.create(
        key="k2", kind="enrolled", to="b@example.com", subject="s", text="t", status="sent", sent_at=now
    )

    running, later_cohort = str(world.cohort), str(late)
    health = reverse("dashboards:health")
    review = reverse("enrolment:review", args=[late.pk])
    assert _lines(today) == [
        ("pairs-silent", 1, running, f"{health}?cohort={world.cohort.pk}&cadence_missed=on"),
        ("pairs-flagged", 1, running, f"{health}?cohort={world.cohort.pk}&flagged=on"),
        ("mentees-unmatched", 1, running, world.cohort.get_absolute_url()),
        ("applications", 2, later_cohort, review),
        ("waitlist", 1, later_cohort, review),
        ("cohort-step", 1, later_cohort, late.get_absolute_url()),
        ("emails-failed", 1, "", reverse("outbox:message-list") + "?status=failed"),
    ]


def test_cohorts_due_to_close_out_or_to_close_are_named(world, now, today):
    world.cohort.ends_on = datetime.date(2026, 11, 1)
    world.cohort.save()
    MentoringSession.objects.all().delete()
    steps = [line.text for line in selectors.admin_attention(today=today) if line.kind == "cohort-step"]
    assert steps == ["Its end date has passed: begin close-out"]
    world.cohort.state = Cohort.State.CONCLUDING
    world.cohort.save()
    steps = [line.text for line in selectors.admin_attention(today=today) if line.kind == "cohort-step"]
    assert steps == ["Concluding: close it once reflections and surveys are in"]


def test_every_line_leads_to_a_page_the_admin_can_open(client, world, now, today):
    CheckInFactory(pairing=world.pair, person=world.mentee, satisfaction=1, period_key="1")
    EnrolmentFactory(cohort=world.cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
    client.force_login(world.admin)
    lines = selectors.admin_attention(today=today)
    assert {line.kind for line in lines} == {"pairs-silent", "pairs-flagged", "applications"}
    for line in lines:
        page = client.get(line.url)
        assert page.status_code == 200, line
    # The health page lists exactly the counted pairs.
    flagged = next(line for line in lines if line.kind == "pairs-flagged")
    assert client.get(flagged.url).content.decode().count("Ada Mentee") >= 1
    assert "Bo Mentee" not in client.get(flagged.url).content.decode()


@pytest.mark.parametrize("cohorts", [1, 4])
def test_admin_lines_cost_nine_queries_however_many_cohorts(
    world, now, today, cohorts, django_assert_num_queries
):
    for n in range(cohorts):
        cohort = CohortFactory(
            name=f"Extra {n}", state=Cohort.State.MATCHING, starts_on=datetime.date(2026, 10, 1)
        )
        EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, status=Enrolment.Status.WAITLISTED)
    with django_assert_num_queries(9):
        lines = selectors.admin_attention(today=today)
    # The running cohort's silent pairs, and each new cohort's unmatched mentee and waitlist.
    assert len(lines) == 1 + 2 * cohorts


def test_unsigned_agreements_and_unfinished_training_are_lines_with_their_pages(client, world, now, today):
    # The world's two pairs signed (the module's fixture); a third started in September has not.
    third = PairingFactory(match_run=world.run, started_on=datetime.date(2026, 9, 8))
    TrainingModule.objects.create(
        programme=world.cohort.programme,
        title="Before you start",
        summary="Two minutes.",
        body="Read this.",
        requirement=TrainingModule.Requirement.BEFORE_FIRST_SESSION,
        audience=TrainingModule.Audience.MENTEE,
    )
    lines = {line.kind: line for line in selectors.admin_attention(today=today)}
    # By hand: one pair unsigned; three mentees (Ada, Bo and the third pair's) without the module.
    assert lines["agreements-unsigned"].count == 1
    assert lines["training-unfinished"].count == 3
    client.force_login(world.admin)
    assert third.mentee.person.full_name in client.get(lines["agreements-unsigned"].url).text
    assert client.get(lines["training-unfinished"].url).status_code == 200


# --- managers ----------------------------------------------------------------------------------------


def test_a_managers_headline_is_their_dashboards(world, now, today, settings):
    from django.contrib.auth.models import User

    settings.DASHBOARD_CACHE_SECONDS = 0
    user = User.objects.get(pk=world.manager.user.pk)
    figures = selectors.manager_headline(user)
    # Maya manages Omar (Tier 2) and Ada (Tier 1): both teams, where Ada and Bo are mentees in two
    # active pairs. Every other figure needs five people.
    assert [(f.label, f.value) for f in figures] == [
        ("Active pairings", "2"),
        ("Mentees still with us 90 days after joining", "too few to show"),
        ("Mentees' pulse satisfaction (1–5)", "too few to show"),
        ("Pairs keeping their cadence", "too few to show"),
    ]


def test_pairs_at_risk_are_kept_until_a_check_in_or_an_active_pair_changes(
    world, now, today, django_assert_num_queries
):
    def flagged():
        return [line.count for line in selectors.admin_attention(today=today) if line.kind == "pairs-flagged"]

    assert flagged() == []
    # The lines are kept whole (home/kept.py) under the flags' stamp, among others.
    with django_assert_num_queries(0):
        selectors.admin_attention(today=today)
    CheckInFactory(pairing=world.pair, person=world.mentee, satisfaction=1, period_key="1")
    assert flagged() == [1]
    PairingFactory(match_run=world.run)  # never met: silent, counted at once
    silent = [line.count for line in selectors.admin_attention(today=today) if line.kind == "pairs-silent"]
    assert silent == [3]
