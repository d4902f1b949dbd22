"""Ids and dates the programme pages take from a request are checked on the server."""

import pytest
from django.urls import reverse

from programmes.models import Cohort


@pytest.mark.parametrize("programme", ["²", "9" * 25, "abc"])
def test_a_programme_that_is_not_an_id_only_leaves_the_choice_empty(admin_client, world, programme):
    response = admin_client.get(reverse("programmes:cohort-create"), {"programme": programme})
    assert response.status_code == 200


def test_a_cohort_ending_in_year_9999_is_refused(admin_client, world):
    url = reverse("programmes:cohort-edit", args=[world.cohort.pk])
    page = admin_client.get(url)
    assert 'max="2100-12-31"' in page.text
    response = admin_client.post(url, {"name": "Forever", "starts_on": "2026-09-01", "ends_on": "9999-12-31"})
    assert response.status_code == 200 and "Pick a date between 1900-01-01 and 2100-12-31" in response.text
    assert Cohort.objects.get(pk=world.cohort.pk).ends_on.year == 2027
