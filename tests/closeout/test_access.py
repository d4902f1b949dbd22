"""Who may open each close-out page: admins for ending, re-matching and the summary; the pair's two
members for its reflection; people enrolled in the cohort for its survey."""

import pytest
from django.urls import reverse

from programmes.models import Cohort
from tests.closeout.conftest import set_state
from tests.conftest import login


@pytest.fixture
def concluding(frozen):
    set_state(frozen.cohort, Cohort.State.CONCLUDING)
    return frozen


def admin_urls(world):
    return [
        reverse("closeout:pairing-end", args=[world.pair.pk]),
        reverse("closeout:rematch", args=[world.pair.mentee.pk]),
        reverse("closeout:cohort-summary", args=[world.cohort.pk]),
    ]


@pytest.mark.parametrize("who", ["mentor", "mentee", "manager", "outsider"])
def test_non_admins_get_403_for_end_rematch_and_summary(client, world, who):
    login(client, getattr(world, who).user)
    for url in admin_urls(world):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"reason": "Other", "details": "x", "mentor": "1"}).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in [*admin_urls(world), reverse("closeout:survey", args=[world.cohort.pk])]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_admin_opens_every_admin_page(client, world):
    login(client, world.admin)
    for url in admin_urls(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["mentee2", "mentor2", "manager", "outsider"])
def test_only_the_pairs_members_can_open_its_reflection(client, concluding, who):
    login(client, getattr(concluding, who).user)
    url = reverse("closeout:reflection", args=[concluding.pair.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"achieved": "x", "learned": "y"}).status_code == 404


def test_admin_who_is_not_in_the_pair_cannot_open_its_reflection(client, concluding):
    login(client, concluding.admin)
    assert client.get(reverse("closeout:reflection", args=[concluding.pair.pk])).status_code == 404


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_both_members_open_their_reflection(client, concluding, who):
    login(client, getattr(concluding, who).user)
    assert client.get(reverse("closeout:reflection", args=[concluding.pair.pk])).status_code == 200


@pytest.mark.parametrize("who", ["manager", "outsider"])
def test_people_not_enrolled_in_the_cohort_cannot_open_its_survey(client, concluding, who):
    login(client, getattr(concluding, who).user)
    url = reverse("closeout:survey", args=[concluding.cohort.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"satisfaction": "5", "recommend": "10"}).status_code == 404


def test_a_user_without_a_person_cannot_open_a_survey(client, concluding):
    login(client, concluding.admin)
    assert client.get(reverse("closeout:survey", args=[concluding.cohort.pk])).status_code == 404


def test_unknown_ids_are_404(client, world):
    login(client, world.admin)
    for name in ("closeout:pairing-end", "closeout:rematch", "closeout:cohort-summary"):
        assert client.get(reverse(name, args=[99999])).status_code == 404
