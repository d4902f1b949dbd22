"""The admin's cohort page, served by dashboards (above the apps it reads) at programmes' address."""

from django.urls import resolve, reverse

from closeout.models import SurveyResponse
from dashboards import cohort_views
from programmes.models import Cohort, Enrolment
from tests.conftest import login


def test_the_cohort_page_keeps_its_address_and_name(client, world):
    url = reverse("programmes:cohort-detail", args=[world.cohort.pk])
    assert url == f"/programmes/cohorts/{world.cohort.pk}/"
    assert resolve(url).func is cohort_views.cohort_detail
    assert world.cohort.get_absolute_url() == url
    login(client, world.admin)
    response = client.get(url)
    assert response.status_code == 200
    assert f"<title>{world.cohort.name}" in response.text


def test_a_concluding_cohort_page_shows_the_survey_from_close_out(client, world):
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CONCLUDING)
    SurveyResponse.objects.create(
        cohort=world.cohort, person=world.mentee, role=Enrolment.Role.MENTEE, satisfaction=5, recommend=10
    )
    login(client, world.admin)
    response = client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk]))
    assert response.status_code == 200
    assert "End-of-cohort survey" in response.text
    assert response.context["survey"] is not None


def test_people_who_do_not_run_programmes_cannot_open_the_cohort_page(client, world):
    login(client, world.mentor.user)
    assert client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk])).status_code == 403
