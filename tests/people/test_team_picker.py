"""The team picker (the people list's team filter): the search it asks as you type, and the field
that takes a team's name."""

import pytest
from django import forms
from django.urls import reverse

from people.forms import TeamField
from people.selectors import SEARCH_LIMIT
from tests.conftest import login
from tests.factories import TeamFactory

SEARCH = reverse("people:team-search")


def test_search_finds_teams_by_part_of_their_name(client, world):
    TeamFactory(name="Voice escalations")
    TeamFactory(name="Chat")
    login(client, world.admin)
    assert client.get(SEARCH, {"q": "ESCAL"}).json()["results"] == [
        {"value": "Voice escalations", "label": "Voice escalations"}
    ]


def test_search_needs_two_characters_and_answers_at_most_a_few(client, world):
    for n in range(SEARCH_LIMIT + 5):
        TeamFactory(name=f"Pod {n:02d}")
    login(client, world.admin)
    assert client.get(SEARCH, {"q": "p"}).json()["results"] == []
    assert len(client.get(SEARCH, {"q": "pod"}).json()["results"]) == SEARCH_LIMIT


def test_only_programme_admins_may_search_teams(client, world):
    login(client, world.mentee.user)
    assert client.get(SEARCH, {"q": "tier"}).status_code == 403


@pytest.mark.parametrize("size", [3, 40])
def test_search_query_count_is_fixed(client, world, django_assert_num_queries, size):
    for n in range(size):
        TeamFactory(name=f"Volume {n}")
    login(client, world.admin)
    # session, user, admin-group check, the search
    with django_assert_num_queries(4):
        assert len(client.get(SEARCH, {"q": "volume"}).json()["results"]) == min(size, SEARCH_LIMIT)


class PickForm(forms.Form):
    team = TeamField(required=False)


def test_the_field_takes_a_team_name_in_any_case(world):
    team = TeamFactory(name="Voice")
    form = PickForm({"team": " vOICE "})
    assert form.is_valid() and form.cleaned_data["team"] == team


def test_the_field_refuses_an_unknown_name_in_words_and_an_empty_one_is_no_team(world):
    form = PickForm({"team": "Nowhere"})
    assert not form.is_valid()
    assert form.errors["team"] == ["No team has that name."]
    empty = PickForm({"team": ""})
    assert empty.is_valid() and empty.cleaned_data["team"] is None
