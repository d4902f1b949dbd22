"""Ids and text the enrolment pages take from a request are checked on the server."""

import pytest
from django.urls import reverse

from enrolment.models import Invitation
from tests.conftest import login


def test_a_25_digit_person_id_in_an_invitation_is_refused_in_words(client, world, open_cohort):
    login(client, world.admin)
    response = client.post(
        reverse("enrolment:invite", args=[open_cohort.pk]), {"people": ["9" * 25], "role": "mentee"}
    )
    assert response.status_code == 200 and "is not a valid value" in response.text
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("field", ["interests", "skills", "goal_areas"])
def test_a_25_digit_tag_id_in_the_profile_is_refused_in_words(client, world, field):
    login(client, world.mentee.user)
    response = client.post(reverse("enrolment:profile", args=[world.pair.mentee.pk]), {field: ["9" * 25]})
    assert response.status_code == 200 and "is not a valid value" in response.text


def test_profile_goals_have_a_length_limit(client, world):
    login(client, world.mentee.user)
    response = client.post(
        reverse("enrolment:profile", args=[world.pair.mentee.pk]), {"goals": "x" * 100_001}
    )
    assert response.status_code == 200 and "at most 5000 characters" in response.text
    world.pair.mentee.refresh_from_db()
    assert world.pair.mentee.goals == "Handle angry billing customers"


def test_a_nul_character_in_the_invite_search_is_ignored_not_a_500(client, world, open_cohort):
    login(client, world.admin)
    response = client.get(reverse("enrolment:invite", args=[open_cohort.pk]), {"q": "Sam\x00"})
    assert response.status_code == 200 and "Sam Outsider" in response.text
