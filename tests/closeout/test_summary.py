import pytest
from django.urls import reverse

from closeout import selectors, services
from closeout.models import Reflection, SurveyResponse
from closeout.selectors import nps, survey_summary
from matching.models import Pairing
from matching.services import pairings_complete
from programmes.models import Cohort, Enrolment
from tests.closeout.conftest import set_state
from tests.conftest import login
from tests.factories import EnrolmentFactory, PairingFactory


def answer(cohort, role, satisfaction, recommend):
    enrolment = EnrolmentFactory(cohort=cohort, role=role, capacity=2 if role == Enrolment.Role.MENTOR else 1)
    return SurveyResponse.objects.create(
        cohort=cohort, person=enrolment.person, role=role, satisfaction=satisfaction, recommend=recommend
    )


def test_nps_is_percent_promoters_minus_percent_detractors():
    assert nps(promoters=5, detractors=2, responses=10) == 30
    assert nps(promoters=0, detractors=3, responses=3) == -100
    assert nps(promoters=1, detractors=1, responses=7) == 0
    assert nps(promoters=2, detractors=0, responses=3) == 67
    assert nps(promoters=0, detractors=0, responses=0) is None


def test_survey_summary_on_a_hand_made_set(world):
    cohort = world.cohort
    # mentees: recommend 10, 9, 9, 8, 7, 6, 0 -> 3 promoters, 2 passives, 2 detractors of 7 -> NPS 14
    for satisfaction, recommend in [(5, 10), (5, 9), (4, 9), (4, 8), (3, 7), (2, 6), (1, 0)]:
        answer(cohort, Enrolment.Role.MENTEE, satisfaction, recommend)
    # mentors: 5 answers, recommend 10, 10, 9, 7, 5 -> 3 promoters, 1 detractor -> NPS 40
    for satisfaction, recommend in [(5, 10), (5, 10), (4, 9), (4, 7), (2, 5)]:
        answer(cohort, Enrolment.Role.MENTOR, satisfaction, recommend)

    summary = survey_summary(cohort)
    assert (summary.mentees.responses, summary.mentees.nps, summary.mentees.average_satisfaction) == (
        7,
        14,
        3.4,  # 24 / 7, rounded as every average is (mentorship.figures)
    )
    assert (summary.mentees.promoters, summary.mentees.detractors) == (3, 2)
    assert (summary.mentors.responses, summary.mentors.nps, summary.mentors.average_satisfaction) == (
        5,
        40,
        4.0,
    )
    # everyone: 6 promoters, 3 detractors of 12 -> 25
    assert (summary.overall.responses, summary.overall.nps) == (12, 25)
    # world enrolments (2 mentors, 2 mentees) + the 12 who answered
    assert (summary.overall.enrolled, summary.overall.response_rate) == (16, 75)
    assert (summary.mentors.enrolled, summary.mentees.enrolled) == (7, 9)


def test_groups_under_five_answers_are_hidden(world):
    for recommend in (10, 10, 10, 10):
        answer(world.cohort, Enrolment.Role.MENTOR, 5, recommend)
    answer(world.cohort, Enrolment.Role.MENTEE, 1, 0)
    summary = survey_summary(world.cohort)
    assert summary.mentors.responses == 4
    assert not summary.mentors.shown
    assert (summary.mentors.nps, summary.mentors.average_satisfaction, summary.mentors.promoters) == (
        None,
        None,
        None,
    )
    assert not summary.mentees.shown
    assert summary.overall.shown and summary.overall.nps == 60


def test_empty_survey_shows_nothing_and_does_not_divide_by_zero(world):
    summary = survey_summary(world.cohort)
    assert summary.overall.responses == 0
    assert not summary.overall.shown
    assert summary.overall.response_rate == 0


def test_pairing_outcomes_tally_completed_and_early_endings_by_reason(frozen):
    cohort = frozen.cohort
    services.pairing_end_early(pairing=frozen.pair, reason="Schedule clash: nights", by=frozen.admin)
    for reason in ["Schedule clash", "Left the company", "Other: moved team", "Something legacy"]:
        pairing = PairingFactory(match_run=frozen.run)
        services.pairing_end_early(pairing=pairing, reason=reason, by=frozen.admin)
    PairingFactory(match_run=frozen.run)  # will complete
    Reflection.objects.create(pairing=frozen.pair, person=frozen.mentee, achieved="a", learned="b")
    set_state(cohort, Cohort.State.CONCLUDING)
    assert pairings_complete(cohort=cohort) == 2  # pair2 and the last one
    outcomes = selectors.pairing_outcomes(cohort)
    assert (outcomes.completed, outcomes.ended_early, outcomes.active, outcomes.reflections) == (2, 5, 0, 1)
    assert dict(outcomes.reasons) == {
        "Schedule clash": 2,
        "Not a good fit": 0,
        "Left the company": 1,
        "Other": 2,
    }


def test_summary_page_shows_figures_and_hides_small_groups(client, frozen):
    for recommend in (10, 9, 9, 3, 8):
        answer(frozen.cohort, Enrolment.Role.MENTEE, 4, recommend)
    answer(frozen.cohort, Enrolment.Role.MENTOR, 5, 10)
    services.pairing_end_early(pairing=frozen.pair, reason="Not a good fit", by=frozen.admin)
    login(client, frozen.admin)
    response = client.get(reverse("closeout:cohort-summary", args=[frozen.cohort.pk]))
    assert response.status_code == 200
    text = response.text
    assert "not enough responses" in text  # mentors: 1 answer
    assert "+40" in text  # mentees: 3 promoters, 1 detractor of 5
    assert "Not a good fit" in text


@pytest.mark.parametrize("size", [1, 12])
def test_summary_page_query_count_is_fixed(client, frozen, django_assert_num_queries, size):
    for n in range(size):
        answer(frozen.cohort, Enrolment.Role.MENTEE if n % 2 else Enrolment.Role.MENTOR, 4, n % 11)
        pairing = PairingFactory(match_run=frozen.run)
        services.pairing_end_early(pairing=pairing, reason="Schedule clash", by=frozen.admin)
        Reflection.objects.create(pairing=pairing, person=pairing.mentee.person, achieved="a", learned="b")
    login(client, frozen.admin)
    # user (with person and roles), cohort, the survey (2) and outcomes (2) aggregates
    with django_assert_num_queries(6):
        response = client.get(reverse("closeout:cohort-summary", args=[frozen.cohort.pk]))
    assert response.status_code == 200
    assert Pairing.objects.filter(cohort=frozen.cohort).count() == 2 + size
