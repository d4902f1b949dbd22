import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from matching.models import MatchRun, Pairing, PairRule
from matching.services import allowed_pairs, cohort_scores, match_run_create, match_run_publish
from people.models import Tag
from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory, EnrolmentFactory, MatchRunFactory, PersonFactory

# Mentors joined well before mentees, so the cohort's tenure-gap rule (180 days by default) holds
# unless a test says otherwise.
MENTOR_HIRED = datetime.date(2020, 1, 6)
MENTEE_HIRED = datetime.date(2026, 3, 2)


@pytest.fixture
def enrolling_cohort(db):
    return CohortFactory(state=Cohort.State.ENROLLING)


def enrol(cohort, role, capacity=None, interests=(), **person):
    mentor = role == Enrolment.Role.MENTOR
    person.setdefault("hire_date", MENTOR_HIRED if mentor else MENTEE_HIRED)
    capacity = capacity or (2 if mentor else 1)
    enrolment = EnrolmentFactory(cohort=cohort, role=role, capacity=capacity, person=PersonFactory(**person))
    enrolment.person.interests.set([Tag.objects.get_or_create(name=name)[0] for name in interests])
    return enrolment


def test_match_run_proposes_pairs_with_explanations_and_publish_activates_them(enrolling_cohort, admin_user):
    mentor = enrol(enrolling_cohort, Enrolment.Role.MENTOR, communication="written")
    mentees = [enrol(enrolling_cohort, Enrolment.Role.MENTEE, communication="written") for _ in range(2)]
    run = match_run_create(cohort=enrolling_cohort, by=admin_user)
    pairs = list(run.pairings.all())
    assert {p.mentee_id for p in pairs} == {m.pk for m in mentees}
    assert all(p.mentor_id == mentor.pk and p.status == Pairing.Status.PROPOSED for p in pairs)
    assert all("Both prefer written communication" in p.explanation for p in pairs)

    match_run_publish(run=run, by=admin_user)
    run.refresh_from_db()
    enrolling_cohort.refresh_from_db()
    assert run.status == MatchRun.Status.PUBLISHED and run.published_by == admin_user
    assert enrolling_cohort.state == Cohort.State.ACTIVE
    assert set(run.pairings.values_list("status", flat=True)) == {Pairing.Status.ACTIVE}


def test_no_one_is_mentored_by_their_own_manager(enrolling_cohort, admin_user):
    boss = PersonFactory(hire_date=MENTOR_HIRED)
    EnrolmentFactory(cohort=enrolling_cohort, role=Enrolment.Role.MENTOR, capacity=3, person=boss)
    report = enrol(enrolling_cohort, Enrolment.Role.MENTEE, manager=boss)
    run = match_run_create(cohort=enrolling_cohort, by=admin_user)
    assert run.pairings.count() == 0
    assert run.unmatched == [
        {
            "enrolment_id": report.pk,
            "name": report.person.full_name,
            "reason": "Every mentor is in their management chain",
        }
    ]


def test_rerun_supersedes_the_previous_proposal_which_can_no_longer_be_published(
    enrolling_cohort, admin_user
):
    enrol(enrolling_cohort, Enrolment.Role.MENTOR)
    enrol(enrolling_cohort, Enrolment.Role.MENTEE)
    first = match_run_create(cohort=enrolling_cohort, by=admin_user)
    match_run_create(cohort=enrolling_cohort, by=admin_user)
    first.refresh_from_db()
    assert first.status == MatchRun.Status.SUPERSEDED
    with pytest.raises(ValidationError):
        match_run_publish(run=first, by=admin_user)


def test_matching_refuses_a_cohort_without_mentors(enrolling_cohort, admin_user):
    enrol(enrolling_cohort, Enrolment.Role.MENTEE)
    with pytest.raises(ValidationError, match="mentor"):
        match_run_create(cohort=enrolling_cohort, by=admin_user)


def test_database_allows_only_one_active_pairing_per_mentee(world):
    other_mentor = EnrolmentFactory(cohort=world.cohort, role=Enrolment.Role.MENTOR, capacity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            cohort=world.cohort,
            match_run=MatchRunFactory(cohort=world.cohort),
            mentor=other_mentor,
            mentee=world.pair.mentee,
            score=50,
            status=Pairing.Status.ACTIVE,
            started_on=world.today,
        )


# --- issue 4: the whole rule set, pins and forbids, reasons, quality -----------------------------


def cohort_with(**settings):
    return CohortFactory(state=Cohort.State.ENROLLING, **settings)


def reasons_of(run):
    return {item["name"]: item["reason"] for item in run.unmatched}


def pairs_of(run):
    return {(p.mentee.person.full_name, p.mentor.person.full_name) for p in run.pairings.all()}


def test_management_chain_is_walked_through_people_outside_the_cohort(admin_user):
    cohort = cohort_with()
    director = PersonFactory(full_name="Director", hire_date=MENTOR_HIRED)
    lead = PersonFactory(full_name="Lead", manager=director, hire_date=MENTOR_HIRED)  # not enrolled
    EnrolmentFactory(cohort=cohort, role=Enrolment.Role.MENTOR, capacity=1, person=director)
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Agent", manager=lead)
    run = match_run_create(cohort=cohort, by=admin_user)
    assert run.pairings.count() == 0
    assert reasons_of(run) == {"Agent": "Every mentor is in their management chain"}


def test_a_mentor_is_never_given_someone_they_manage_further_down(admin_user):
    cohort = cohort_with()
    mentor = enrol(cohort, Enrolment.Role.MENTOR, full_name="Head", capacity=1)
    team_lead = PersonFactory(manager=mentor.person, hire_date=MENTOR_HIRED)
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Agent", manager=team_lead)
    run = match_run_create(cohort=cohort, by=admin_user)
    assert reasons_of(run) == {"Agent": "Every mentor is in their management chain"}
    # And the other way round: a mentee who manages the mentor (two levels up).
    cohort2 = cohort_with()
    boss = enrol(cohort2, Enrolment.Role.MENTEE, full_name="Boss")
    middle = PersonFactory(manager=boss.person, hire_date=MENTOR_HIRED)
    enrol(cohort2, Enrolment.Role.MENTOR, full_name="Senior agent", manager=middle)
    assert reasons_of(match_run_create(cohort=cohort2, by=admin_user)) == {
        "Boss": "Every mentor reports to them"
    }


def test_each_rule_that_leaves_a_mentee_without_mentors_is_named(admin_user):
    cohort = cohort_with(min_tenure_gap_days=180, min_overlap_hours=2, team_rule=Cohort.TeamRule.DIFFERENT)
    enrol(cohort, Enrolment.Role.MENTOR, full_name="London mentor", time_zone="Europe/London", capacity=5)
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Veteran", hire_date=datetime.date(2019, 1, 1))
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Sydney", time_zone="Australia/Sydney")
    london_team = cohort.enrolments.get(person__full_name="London mentor").person.team
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Teammate", team=london_team)
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Fine")
    run = match_run_create(cohort=cohort, by=admin_user)
    assert pairs_of(run) == {("Fine", "London mentor")}
    assert reasons_of(run) == {
        "Veteran": "No mentor has enough extra tenure (180 days more than theirs)",
        "Sydney": "No mentor shares 2 working hours with them",
        "Teammate": "Every mentor is on their own team",
    }


def test_mentees_left_over_when_slots_run_out_are_told_so(admin_user):
    cohort = cohort_with(weight_work_style=0, weight_interests=100, weight_goals=0)
    enrol(cohort, Enrolment.Role.MENTOR, full_name="Mentor", capacity=1, interests={"billing"})
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Close", interests={"billing"})
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Far", interests={"tone"})
    run = match_run_create(cohort=cohort, by=admin_user)
    assert pairs_of(run) == {("Close", "Mentor")}
    assert reasons_of(run) == {"Far": "Mentors with free slots were all taken by better-scoring pairs"}


def test_a_pin_wins_over_a_better_score_and_a_forbid_removes_the_best_pair(admin_user):
    cohort = cohort_with(weight_work_style=0, weight_interests=100, weight_goals=0)
    best = enrol(cohort, Enrolment.Role.MENTOR, full_name="Best", capacity=1, interests={"billing"})
    other = enrol(cohort, Enrolment.Role.MENTOR, full_name="Other", capacity=1, interests={"tone"})
    pinned = enrol(cohort, Enrolment.Role.MENTEE, full_name="Pinned", interests={"billing"})
    forbidden = enrol(cohort, Enrolment.Role.MENTEE, full_name="Forbidden", interests={"billing"})
    PairRule.objects.create(cohort=cohort, mentee=pinned, mentor=other, kind=PairRule.Kind.PIN)
    PairRule.objects.create(cohort=cohort, mentee=forbidden, mentor=best, kind=PairRule.Kind.FORBID)
    run = match_run_create(cohort=cohort, by=admin_user)
    assert pairs_of(run) == {("Pinned", "Other")}
    assert reasons_of(run) == {"Forbidden": "Every mentor allowed for them is already full"}

    PairRule.objects.filter(kind=PairRule.Kind.FORBID).delete()
    run = match_run_create(cohort=cohort, by=admin_user)
    assert pairs_of(run) == {("Pinned", "Other"), ("Forbidden", "Best")}


def test_a_pin_that_breaks_a_hard_rule_is_reported_not_dropped(admin_user):
    cohort = cohort_with()
    boss = enrol(cohort, Enrolment.Role.MENTOR, full_name="Boss", capacity=2)
    enrol(cohort, Enrolment.Role.MENTOR, full_name="Someone else", capacity=2)
    report = enrol(cohort, Enrolment.Role.MENTEE, full_name="Report", manager=boss.person)
    PairRule.objects.create(cohort=cohort, mentee=report, mentor=boss, kind=PairRule.Kind.PIN)
    run = match_run_create(cohort=cohort, by=admin_user)
    assert run.pairings.count() == 0  # not quietly given to someone else either
    assert reasons_of(run) == {
        "Report": "Pinned to Boss, but the pair breaks a rule: the mentor is in their management chain"
    }


def test_more_pins_than_slots_keeps_the_best_pins_and_says_why_for_the_rest(admin_user):
    cohort = cohort_with(weight_work_style=0, weight_interests=100, weight_goals=0)
    mentor = enrol(cohort, Enrolment.Role.MENTOR, full_name="Popular", capacity=1, interests={"billing"})
    for name, interests in (("Strong", {"billing"}), ("Weak", {"tone"})):
        mentee = enrol(cohort, Enrolment.Role.MENTEE, full_name=name, interests=interests)
        PairRule.objects.create(cohort=cohort, mentee=mentee, mentor=mentor, kind=PairRule.Kind.PIN)
    run = match_run_create(cohort=cohort, by=admin_user)
    assert pairs_of(run) == {("Strong", "Popular")}
    assert reasons_of(run) == {"Weak": "Pinned to Popular, who has no free slot left"}


def test_run_quality_gives_mean_lowest_share_matched_and_share_with_a_top_three_mentor(admin_user):
    # Interests only, so every score is a Jaccard overlap: P1-P3 are pinned to the mentor they fully
    # share interests with (100); X and Z share mentor M4 (X: 1/5 = 20, Z: 1/2 = 50). X's three best
    # mentors (25 each) were pinned away, so X is the one matched mentee outside their top 3.
    cohort = cohort_with(weight_work_style=0, weight_interests=100, weight_goals=0, fair_matching=True)
    mentors = [
        enrol(cohort, Enrolment.Role.MENTOR, full_name=f"M{k}", capacity=1, interests={tag})
        for k, tag in enumerate("abc", start=1)
    ]
    enrol(cohort, Enrolment.Role.MENTOR, full_name="M4", capacity=2, interests={"d", "e"})
    for k, mentor in enumerate(mentors, start=1):
        pinned = enrol(cohort, Enrolment.Role.MENTEE, full_name=f"P{k}", interests=set("abc"[k - 1]))
        PairRule.objects.create(cohort=cohort, mentee=pinned, mentor=mentor, kind=PairRule.Kind.PIN)
    enrol(cohort, Enrolment.Role.MENTEE, full_name="X", interests={"a", "b", "c", "d"})
    enrol(cohort, Enrolment.Role.MENTEE, full_name="Z", interests={"e"})
    run = match_run_create(cohort=cohort, by=admin_user)
    assert sorted(run.pairings.values_list("score", flat=True)) == [20.0, 50.0, 100.0, 100.0, 100.0]
    assert run.fair is True
    assert run.quality == {
        "mean_score": 74.0,
        "lowest_score": 20.0,
        "share_matched": 1.0,
        "share_top3": 0.8,
        "matched": 5,
        "mentees": 5,
    }


def test_explanations_follow_the_cohorts_trait_modes(admin_user):
    cohort = cohort_with(trait_modes={"pace": "complementary"})
    enrol(cohort, Enrolment.Role.MENTOR, pace="fast", communication="written")
    enrol(cohort, Enrolment.Role.MENTEE, pace="steady", communication="written")
    pairing = match_run_create(cohort=cohort, by=admin_user).pairings.get()
    assert pairing.explanation[:2] == [
        "Both prefer written communication",
        "Complement each other on pace: steady and fast",
    ]


def test_cohort_scores_gives_scores_allowed_and_reasons_with_every_rule(admin_user):
    cohort = cohort_with(min_tenure_gap_days=180)
    senior = enrol(cohort, Enrolment.Role.MENTOR, full_name="Senior")
    junior = enrol(cohort, Enrolment.Role.MENTOR, full_name="Junior", hire_date=MENTEE_HIRED)
    mentee = enrol(cohort, Enrolment.Role.MENTEE, full_name="New")
    veteran = enrol(cohort, Enrolment.Role.MENTEE, full_name="Veteran", hire_date=datetime.date(2018, 1, 1))
    scores, allowed, reasons = cohort_scores(cohort, [mentee, veteran], [senior, junior])
    assert scores.shape == allowed.shape == (2, 2)
    assert ((scores >= 0) & (scores <= 100)).all()
    assert allowed.tolist() == [[True, False], [False, False]]
    assert reasons == [None, "No mentor has enough extra tenure (180 days more than theirs)"]
    # The cohort-aware allowed_pairs agrees; the plain one keeps to self and management chain.
    assert allowed_pairs([mentee, veteran], [senior, junior], cohort=cohort).tolist() == allowed.tolist()
    assert allowed_pairs([mentee, veteran], [senior, junior]).all()


@pytest.mark.parametrize("size", [2, 6])
def test_match_run_query_count_does_not_grow_with_the_cohort(admin_user, django_assert_num_queries, size):
    cohort = cohort_with(min_overlap_hours=2, team_rule=Cohort.TeamRule.DIFFERENT)
    mentors = [enrol(cohort, Enrolment.Role.MENTOR, interests={"billing"}) for _ in range(size)]
    mentees = [enrol(cohort, Enrolment.Role.MENTEE, interests={"billing", "tone"}) for _ in range(size)]
    PairRule.objects.create(cohort=cohort, mentee=mentees[0], mentor=mentors[0], kind=PairRule.Kind.PIN)
    PairRule.objects.create(cohort=cohort, mentee=mentees[1], mentor=mentors[0], kind=PairRule.Kind.FORBID)
    # 16: one of them asks training whether the programme requires a module before matching.
    # +3 history INSERTs (audit): the run, its proposed pairs (one statement however many), the
    # cohort's state.
    with django_assert_num_queries(19):
        run = match_run_create(cohort=cohort, by=admin_user)
    assert run.pairings.count() == size
