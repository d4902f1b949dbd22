import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from closeout import services
from closeout.models import SurveyResponse
from programmes.models import Cohort, Enrolment
from tests.closeout.conftest import set_state
from tests.conftest import login


def url(world):
    return reverse("closeout:survey", args=[world.cohort.pk])


ANSWER = {"satisfaction": "4", "recommend": "9", "comment": "More ticket shadowing please"}


@pytest.fixture
def concluding(frozen):
    set_state(frozen.cohort, Cohort.State.CONCLUDING)
    return frozen


def test_survey_page_labels_every_radio_of_both_scales(client, concluding):
    login(client, concluding.mentee.user)
    response = client.get(url(concluding))
    assert response.status_code == 200
    for name, values in (("satisfaction", range(1, 6)), ("recommend", range(11))):
        for value in values:
            assert f'id="id_{name}_{value - 1 if name == "satisfaction" else value}"' in response.text
    assert response.text.count('type="radio"') == 16
    assert response.text.count("<label") >= 16 + 1
    assert "not at all likely" in response.text and "extremely likely" in response.text


def test_enrolled_mentee_answers_and_the_role_comes_from_the_enrolment(client, concluding):
    login(client, concluding.mentee.user)
    assert client.post(url(concluding), ANSWER).status_code == 302
    response = SurveyResponse.objects.get()
    assert (response.person, response.role, response.satisfaction, response.recommend, response.comment) == (
        concluding.mentee,
        Enrolment.Role.MENTEE,
        4,
        9,
        "More ticket shadowing please",
    )
    login(client, concluding.mentor.user)
    client.post(url(concluding), {"satisfaction": "5", "recommend": "10"})
    assert SurveyResponse.objects.get(person=concluding.mentor).role == Enrolment.Role.MENTOR


def test_second_visit_thanks_and_allows_editing_one_response(client, concluding):
    login(client, concluding.mentee.user)
    client.post(url(concluding), ANSWER)
    page = client.get(url(concluding))
    assert "Thanks, you answered on 2 Nov 2026." in page.text
    assert "Update my answer" in page.text
    client.post(url(concluding), {**ANSWER, "recommend": "3"})
    assert SurveyResponse.objects.get().recommend == 3
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"satisfaction": "6", "recommend": "9"},
        {"satisfaction": "0", "recommend": "9"},
        {"satisfaction": "3", "recommend": "11"},
        {"satisfaction": "3", "recommend": "-1"},
        {"satisfaction": "x", "recommend": "nine"},
        {"recommend": "9", "comment": "KEEP ME"},
    ],
)
def test_out_of_range_answers_are_refused_without_a_500_and_keep_the_comment(client, concluding, bad):
    login(client, concluding.mentee.user)
    response = client.post(url(concluding), {"comment": "KEEP ME", **bad})
    assert response.status_code == 200
    assert "KEEP ME" in response.text
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("state", [Cohort.State.ACTIVE, Cohort.State.MATCHING])
def test_survey_is_refused_before_the_cohort_is_concluding(client, frozen, state):
    set_state(frozen.cohort, state)
    login(client, frozen.mentee.user)
    response = client.post(url(frozen), ANSWER)
    assert response.status_code == 200
    assert "The end-of-cohort survey opens when the cohort is concluding" in response.text
    assert not SurveyResponse.objects.exists()


def test_survey_cannot_be_answered_or_changed_after_the_cohort_closes(client, concluding):
    login(client, concluding.mentee.user)
    client.post(url(concluding), ANSWER)
    set_state(concluding.cohort, Cohort.State.CLOSED)
    response = client.post(url(concluding), {**ANSWER, "satisfaction": "1"})
    assert response.status_code == 200
    assert "The survey is closed" in response.text
    assert "Thanks, you answered on 2 Nov 2026." in response.text
    assert SurveyResponse.objects.get().satisfaction == 4
    with pytest.raises(ValidationError, match="closed"):
        services.survey_answer(
            cohort=concluding.cohort, person=concluding.mentor, satisfaction=5, recommend=10
        )
    assert SurveyResponse.objects.count() == 1


def test_withdrawn_person_cannot_answer(client, concluding):
    Enrolment.objects.filter(person=concluding.mentee2).update(status=Enrolment.Status.WITHDRAWN)
    login(client, concluding.mentee2.user)
    assert client.get(url(concluding)).status_code == 404
    with pytest.raises(ValidationError, match="Only people enrolled"):
        services.survey_answer(
            cohort=concluding.cohort, person=concluding.mentee2, satisfaction=3, recommend=5
        )
