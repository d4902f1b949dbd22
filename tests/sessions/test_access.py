"""own_pairing reads the pairing with only what a pair's pages use (sessions/access.py)."""

from django.test import RequestFactory

from sessions import selectors
from sessions.access import own_pairing


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_pairs_pages_read_the_cohort_and_both_people_and_nothing_more(world):
    pairing = own_pairing(_request(world.mentee.user), world.pair.pk)
    assert set(pairing._state.fields_cache) == {"cohort", "mentor", "mentee"}
    assert set(pairing.mentor._state.fields_cache) == {"person"}
    assert set(pairing.cohort._state.fields_cache) == set()


def test_the_workspace_adds_the_programme_and_the_teams(world):
    pairing = own_pairing(_request(world.mentee.user), world.pair.pk, related=selectors.WORKSPACE_RELATED)
    assert set(pairing.cohort._state.fields_cache) == {"programme"}
    assert "team" in pairing.mentor.person._state.fields_cache
