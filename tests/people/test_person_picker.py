"""The person picker: the search endpoint it asks as you type, and the field that takes its answer
(or, without JavaScript, a typed email or employee id)."""

import datetime

import pytest
from django import forms
from django.urls import reverse

from people.forms import PersonField
from people.models import Person
from people.selectors import SEARCH_LIMIT
from tests.conftest import login
from tests.factories import PersonFactory, TeamFactory

SEARCH = reverse("people:person-search")


def test_search_finds_people_by_name_team_email_or_employee_id(client, world):
    PersonFactory(
        full_name="Zed Searchable",
        email="zed@corp.example",
        employee_id="HR-777",
        team=TeamFactory(name="Voice"),
    )
    login(client, world.admin)
    for q in ["searchab", "zed@corp", "hr-777", "voic"]:
        results = client.get(SEARCH, {"q": q}).json()["results"]
        assert results == [{"value": "HR-777", "label": "Zed Searchable · Voice · zed@corp.example"}], q


def test_search_offers_the_email_of_someone_without_an_employee_id_and_skips_who_has_left(client, world):
    PersonFactory(full_name="Quinn Here", email="quinn@corp.example")
    PersonFactory(
        full_name="Quinn Gone",
        hire_date=datetime.date(2020, 1, 1),
        leave_date=datetime.date(2021, 1, 1),
    )
    login(client, world.admin)
    results = client.get(SEARCH, {"q": "quinn"}).json()["results"]
    assert [r["value"] for r in results] == ["quinn@corp.example"]


def test_search_needs_two_characters_and_answers_at_most_a_few(client, world):
    for n in range(SEARCH_LIMIT + 5):
        PersonFactory(full_name=f"Many {n}")
    login(client, world.admin)
    assert client.get(SEARCH, {"q": "m"}).json()["results"] == []
    assert len(client.get(SEARCH, {"q": "many"}).json()["results"]) == SEARCH_LIMIT


def test_only_programme_admins_may_search_people(client, world):
    login(client, world.mentee.user)
    assert client.get(SEARCH, {"q": "mentor"}).status_code == 403
    client.logout()
    assert client.get(SEARCH, {"q": "mentor"}).status_code == 302  # to the login page


@pytest.mark.parametrize("size", [3, 40])
def test_search_query_count_is_fixed(client, world, django_assert_num_queries, size):
    for n in range(size):
        PersonFactory(full_name=f"Volume {n}", team=TeamFactory())
    login(client, world.admin)
    # user (with person and roles), the matching teams, the search
    with django_assert_num_queries(3):
        assert client.get(SEARCH, {"q": "volume"}).status_code == 200


class PickForm(forms.Form):
    person = PersonField(queryset=Person.objects.filter(leave_date__isnull=True))


def test_the_field_takes_an_employee_id_or_an_email_in_any_case(world):
    person = PersonFactory(email="Pat@Corp.example", employee_id="E-1")
    assert PickForm({"person": " e-1 "}).is_valid()
    form = PickForm({"person": "pat@corp.EXAMPLE"})
    assert form.is_valid() and form.cleaned_data["person"] == person


def test_the_field_refuses_unknown_and_shared_emails_in_words(world):
    PersonFactory(email="shared@corp.example")
    PersonFactory(email="shared@corp.example")
    assert PickForm({"person": "nobody@corp.example"}).errors["person"] == [
        "No one who can be chosen here has that email or employee id."
    ]
    assert PickForm({"person": "shared@corp.example"}).errors["person"] == [
        "Several people share this email: type their employee id instead."
    ]


def test_the_field_is_a_text_box_with_suggestions_not_a_select_of_everyone(world):
    html = str(PickForm()["person"])
    assert "<select" not in html and "<option" not in html
    assert 'type="text"' in html and 'list="id_person-options"' in html
    assert '<datalist id="id_person-options"></datalist>' in html
    assert f'data-person-search="{SEARCH}"' in html


@pytest.mark.postgres
def test_searching_people_can_use_the_trigram_index_on_postgresql(world):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'person_search_trgm'")
        (definition,) = cursor.fetchone()
        # At test sizes any scan of the table is cheapest; forbid them to see the index serve the search.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    assert "gin_trgm_ops" in definition
    plan = Person.objects.filter(full_name__icontains="filler 1").explain()
    assert "Bitmap Index Scan on person_search_trgm" in plan, plan


def test_search_results_are_in_name_order_then_by_id_whatever_the_terms_length(client, world):
    """Three characters and more are sorted on the name as an expression (so PostgreSQL can use the
    trigram index), shorter ones on the column: the same order either way, namesakes by id."""
    first = PersonFactory(full_name="Zoe Smithers", email="z1@corp.example")
    PersonFactory(full_name="Abe Smithson", email="abe@corp.example")
    second = PersonFactory(full_name="Zoe Smithers", email="z2@corp.example")
    PersonFactory(full_name="Mia Smith", email="mia@corp.example")
    login(client, world.admin)
    for q in ["smith", "sm"]:
        labels = [r["label"] for r in client.get(SEARCH, {"q": q}).json()["results"]]
        assert labels == [
            "Abe Smithson · "
            + Person.objects.get(full_name="Abe Smithson").team.name
            + " · abe@corp.example",
            "Mia Smith · " + Person.objects.get(full_name="Mia Smith").team.name + " · mia@corp.example",
            f"Zoe Smithers · {first.team.name} · z1@corp.example",
            f"Zoe Smithers · {second.team.name} · z2@corp.example",
        ], q


@pytest.mark.postgres
def test_a_search_of_three_characters_finds_people_through_the_trigram_index_not_the_name_walk(world):
    """Sorted on the bare name column, PostgreSQL walked the name index testing every person until
    it had a page (16 ms for "smith" at 20,000 people); the search now reads the trigram index."""
    from django.db import connection

    from people.selectors import by_name_for_search

    with connection.cursor() as cursor:
        # At test sizes a scan of the table is cheapest, and a sort is cheap: forbid both, as at
        # 20,000 people, to see which index serves.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    found = Person.objects.filter(full_name__icontains="smith").order_by(*by_name_for_search("smith"))[:20]
    plan = found.explain()
    assert "person_search_trgm" in plan and "person_name_idx" not in plan, plan
