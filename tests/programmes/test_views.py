import pytest
from django.urls import reverse

from programmes.models import Cohort, Enrolment, Programme
from tests.conftest import login
from tests.factories import CohortFactory


def cohort_form_data(**values):
    """What the browser submits: every field of the new-cohort form at its initial value, plus `values`."""
    data = {
        "cadence_days": 14,
        "check_in_interval_days": 28,
        "max_mentees_per_mentor": 3,
        "min_mentor_tenure_days": 365,
        "mentee_hire_window_days": "",
        "topics": ["de-escalation", "tooling"],
        "weight_work_style": 30,
        "weight_interests": 30,
        "weight_goals": 40,
        "trait_modes_0": "similar",
        "trait_modes_1": "complementary",
        "trait_modes_2": "similar",
        "trait_modes_3": "similar",
        "min_tenure_gap_days": 180,
        "team_rule": "any",
        "min_overlap_hours": "",
        "matching_mode": "assigned",
    }
    return {**data, **values}


def test_admin_creates_a_cohort_in_a_new_programme(client, world):
    login(client, world.admin)
    response = client.post(
        reverse("programmes:cohort-create"),
        cohort_form_data(
            new_programme="Tier 2 readiness", name="Spring 2027", starts_on="2027-03-01", ends_on="2027-08-31"
        ),
    )
    cohort = Cohort.objects.get(name="Spring 2027")
    assert response.status_code == 302 and response.url == cohort.get_absolute_url()
    assert cohort.programme == Programme.objects.get(name="Tier 2 readiness")
    assert cohort.state == Cohort.State.DRAFT
    assert cohort.topics == ["de-escalation", "tooling"]
    assert cohort.trait_modes == {
        "communication": "similar",
        "structure": "complementary",
        "pace": "similar",
        "feedback": "similar",
    }


def test_cohort_form_explains_bad_dates_and_keeps_what_was_typed(client, world):
    login(client, world.admin)
    response = client.post(
        reverse("programmes:cohort-create"),
        cohort_form_data(
            programme=world.cohort.programme.pk,
            name="Backwards",
            starts_on="2027-03-01",
            ends_on="2027-02-01",
        ),
    )
    assert response.status_code == 200
    assert "must end after it starts" in response.text
    assert 'value="Backwards"' in response.text
    assert not Cohort.objects.filter(name="Backwards").exists()


def test_matching_on_an_active_cohort_is_refused_with_a_message(client, world):
    login(client, world.admin)
    response = client.post(reverse("matching:run-start", args=[world.cohort.pk]), follow=True)
    assert "Matching can only run while a cohort is enrolling" in response.text


@pytest.mark.parametrize("size", [1, 12])
def test_cohort_list_query_count_is_fixed(client, world, django_assert_num_queries, size):
    for _ in range(size):
        CohortFactory(programme=world.cohort.programme)
    login(client, world.admin)
    # session, user, admin-group check, person, two permission-cache loads (ModelBackend), count, page
    with django_assert_num_queries(8):
        assert client.get(reverse("programmes:cohort-list")).status_code == 200


@pytest.mark.parametrize("size", [2, 60])
def test_cohort_detail_query_count_is_fixed(client, world, django_assert_num_queries, size):
    from tests.factories import EnrolmentFactory

    for n in range(size):
        EnrolmentFactory(cohort=world.cohort, role=("mentor", "mentee")[n % 2])
        EnrolmentFactory(cohort=world.cohort, status=Enrolment.Status.WAITLISTED)
    login(client, world.admin)
    # session, user, admin-group check, person, two permission-cache loads, cohort; a count and a
    # page for each of the three lists, partners of the two pages; overview: counts by role and
    # status, unfinished profiles (first names and count), unmatched mentees, quiet pairs, flagged
    # pairs; match runs
    with django_assert_num_queries(22):
        assert client.get(reverse("programmes:cohort-detail", args=[world.cohort.pk])).status_code == 200


@pytest.mark.parametrize("size", [1, 10])
def test_match_run_query_count_is_fixed(client, world, django_assert_num_queries, size):
    from tests.factories import PairingFactory

    for _ in range(size):
        PairingFactory(match_run=world.run)
    login(client, world.admin)
    # the run page also loads the cohort's pair rules; this run stored no top-3 share, so it is worked
    # out from the cohort's scores (active mentors and a fixed set of narrow loads, whatever the size)
    with django_assert_num_queries(16):
        assert client.get(reverse("matching:run-detail", args=[world.run.pk])).status_code == 200
