"""Who may browse and curate a programme's library (asked through `rules`, like people/rules.py)."""

import rules

from people.roles import person_of
from people.rules import is_programme_admin


@rules.predicate
def is_programme_member(user, programme):
    """Enrolled (mentor or mentee, still active) in a cohort of the programme."""
    from . import selectors

    person = person_of(user)
    return person is not None and programme is not None and bool(selectors.roles_in(person, programme))


rules.add_perm("library.browse", is_programme_admin | is_programme_member)
rules.add_perm("library.manage", is_programme_admin)
