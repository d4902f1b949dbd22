"""Queries compiled once per process (mentorship/prepared.py): the same rows, related objects and
annotations as the queryset gives, with the values of each call, in one query."""

import pytest
from django.contrib.auth.models import User
from django.db.models import Count, Q

from matching.models import Pairing
from mentorship.prepared import PreparedQuery
from people import roles
from sessions.selectors import WORKSPACE_RELATED

STAND_IN, OTHER_STAND_IN = -1_987_654_321, -1_987_654_322


def _pairings_of(person_id, pk):
    return (
        Pairing.objects.filter(Q(mentor__person=person_id) | Q(mentee__person=person_id), pk=pk)
        .select_related("cohort", *WORKSPACE_RELATED)
        .annotate(goal_count=Count("goals"))
    )


def _as_data(pairing):
    return (
        pairing.pk,
        pairing.status,
        pairing.cohort.name,
        pairing.cohort.programme.name,
        pairing.mentor.person.full_name,
        pairing.mentee.person.team.name,
        pairing.goal_count,
    )


def test_each_call_gives_what_the_queryset_gives_for_its_values(world, django_assert_num_queries):
    prepared = PreparedQuery(_pairings_of, stand_ins=(STAND_IN, OTHER_STAND_IN))
    cases = [
        (world.mentee.pk, world.pair.pk),
        (world.mentor.pk, world.pair.pk),
        (world.mentee2.pk, world.pair2.pk),
        (world.mentee.pk, world.pair2.pk),  # not theirs: nothing
        (world.outsider.pk, world.pair.pk),
    ]
    for person_id, pk in cases:
        expected = [_as_data(p) for p in _pairings_of(person_id, pk)]
        with django_assert_num_queries(1):  # the related rows come with it, as select_related does
            found = [_as_data(p) for p in prepared(person_id, pk)]
        assert found == expected, (person_id, pk)
    assert [p.pk for p in prepared(world.mentee.pk, world.pair.pk)] == [world.pair.pk]
    assert prepared(world.mentee.pk, world.pair2.pk) == []


def test_the_users_roles_come_as_the_queryset_gives_them(world):
    prepared = PreparedQuery(
        lambda pk: roles.users_with_roles(User.objects.filter(pk=pk)), stand_ins=(STAND_IN,)
    )
    for user in (world.admin, world.manager.user, world.mentee.user):
        (found,) = prepared(user.pk)
        expected = roles.users_with_roles(User.objects.filter(pk=user.pk)).get()
        roles.remember_roles(found)
        roles.remember_roles(expected)
        assert (found.pk, found.in_admins_group, found.manages_someone, roles.person_of(found)) == (
            expected.pk,
            expected.in_admins_group,
            expected.manages_someone,
            roles.person_of(expected),
        )


def test_a_stand_in_the_query_does_not_carry_is_refused(world):
    prepared = PreparedQuery(lambda pk: User.objects.filter(pk__gt=0), stand_ins=(STAND_IN,))
    with pytest.raises(ValueError, match="not among the query's parameters"):
        prepared(world.admin.pk)


def test_stand_ins_must_differ():
    with pytest.raises(ValueError, match="differ"):
        PreparedQuery(_pairings_of, stand_ins=(STAND_IN, STAND_IN))
