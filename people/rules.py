"""The permission layer: views and templates ask these, never the roles directly."""

import rules

from . import roles


@rules.predicate
def is_programme_admin(user):
    return roles.is_programme_admin(user)


@rules.predicate
def is_manager(user):
    return roles.is_manager(user)


@rules.predicate
def is_pairing_member(user, pairing):
    person = roles.person_of(user)
    if person is None or pairing is None:
        return False
    return person.pk in (pairing.mentor.person_id, pairing.mentee.person_id)


@rules.predicate
def has_person(user):
    return roles.person_of(user) is not None


rules.add_perm("programmes.manage", is_programme_admin)
rules.add_perm("dashboards.view", is_programme_admin | is_manager)
# Programme health names pairs and reads their flags: programme admins only, never managers.
rules.add_perm("dashboards.view_health", is_programme_admin)
rules.add_perm("mentoring_sessions.view_own_pairings", has_person)
rules.add_perm("mentoring_sessions.work_in_pairing", is_pairing_member)
