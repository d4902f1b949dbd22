"""Ids the people pages take from a request are checked before any query."""

import pytest
from django.urls import reverse

from programmes.models import Cohort, Enrolment
from tests.factories import CohortFactory


@pytest.mark.parametrize("bad", ["9" * 25, "²", "abc"])
def test_a_bad_person_id_in_a_bulk_enrol_is_refused_in_words(admin_client, world, bad):
    enrolling = CohortFactory(programme=world.cohort.programme, state=Cohort.State.ENROLLING)
    response = admin_client.post(
        reverse("people:person-bulk"),
        {"action": "enrol", "cohort": enrolling.pk, "role": "mentee", "people": [world.outsider.pk, bad]},
        follow=True,
    )
    assert response.status_code == 200
    assert "is not a valid value" in response.text
    assert not Enrolment.objects.filter(cohort=enrolling).exists()


def test_a_nul_character_in_the_person_search_is_no_search_not_a_500(admin_client, world):
    response = admin_client.get(reverse("people:person-search"), {"q": "\x00Sam"})
    assert response.status_code == 200 and response.json() == {"results": []}
