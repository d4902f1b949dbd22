"""The admin's cohort page, served by dashboards (above the apps it reads) at programmes' address."""

from django.urls import resolve, reverse
from django.utils import timezone

from closeout.models import SurveyResponse
from dashboards import cohort_views
from programmes.models import Cohort, Enrolment
from tests.conftest import login
from tests.factories import EnrolmentFactory, PersonFactory


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


def test_cohort_page_lists_a_page_of_each_list_and_keeps_the_other_lists_pages(client, world):
    mentees = [
        EnrolmentFactory(
            cohort=world.cohort,
            role="mentee",
            person=PersonFactory(full_name=f"Zed {n:03d}"),
            profile_completed_at=timezone.now(),  # so the names show only in the mentee list
        )
        for n in range(cohort_views.ENROLMENTS_PER_PAGE + 5)
    ]
    login(client, world.admin)
    url = reverse("programmes:cohort-detail", args=[world.cohort.pk])
    first = client.get(url)
    total = Enrolment.objects.filter(cohort=world.cohort, role="mentee", status="active").count()
    assert f'Mentees <span class="text-body-secondary">({total})</span>' in first.text
    assert "Zed 000" in first.text and mentees[-1].person.full_name not in first.text
    assert "?mentees_page=2#mentees-heading" in first.text
    last = client.get(url, {"mentees_page": 2, "mentors_page": 1})
    assert mentees[-1].person.full_name in last.text and "Zed 000" not in last.text
    # The other list's page is kept in the links.
    assert "?mentees_page=1&amp;mentors_page=1#mentees-heading" in last.text
