"""A mentee's choice request takes a mentor id from the form: anything else is refused in words."""

import pytest
from django.urls import reverse

from matching.models import MentorRequest
from tests.conftest import login
from tests.matching.test_choice import build_choice


@pytest.mark.parametrize("mentor", ["abc", "²", "9" * 25, "", "-1"])
def test_a_mentor_that_is_not_an_id_is_refused_with_a_message(client, world, mentor):
    c = build_choice(world)
    login(client, world.mentee.user)
    response = client.post(reverse("choice:request-create", args=[c.ada.pk]), {"mentor": mentor}, follow=True)
    assert response.status_code == 200
    assert "Choose one of the mentors suggested to you." in response.text
    assert not MentorRequest.objects.exists()
