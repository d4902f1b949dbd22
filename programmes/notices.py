"""What every lifecycle message needs, whichever app owes it (enrolment, matching, sessions, close-out):
the person who acted, and the activation link a person without a login gets inside the message
itself, so they get one email for the moment instead of two."""

from notifications.models import Notification, Preferences
from people.models import Person
from people.roles import person_of
from people.services import activation_link, activation_owed


def actor_of(by) -> Person | None:
    """The person behind `by` (a login, a person or None), named in the message as the one who acted."""
    if by is None or isinstance(by, Person):
        return by
    return person_of(by)


def activation_once(*, person: Person, kind: str, key: str, next_url: str) -> dict | None:
    """A fresh activation link for a person who cannot log in yet, for the message keyed `key`; None
    when they can log in or the message was recorded before (see `activations_once`)."""
    return activations_once(kind, [(person, key, next_url)]).get(key)


def activations_once(kind: str, wanted: list[tuple[Person, str, str]]) -> dict[str, dict]:
    """{key: activation link} for the messages of `kind` keyed `key`, to carry in them, for each
    (person, key, next_url) whose person cannot log in yet and whose message is new: two queries
    (none when everyone can log in), besides writing each such person's login.

    A new link stops the older one working, so none is made for a repeat that sends nothing. Someone
    who stopped emails of `kind` would never see a link inside it: they get the account email with
    the link instead (account emails always go)."""
    without_login = [item for item in wanted if not item[0].can_log_in]
    if not without_login:
        return {}
    keys = [key for _person, key, _url in without_login]
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    muted = {
        prefs.person_id
        for prefs in Preferences.objects.filter(person__in=[person for person, _key, _url in without_login])
        if not prefs.wants_email(kind)
    }
    links = {}
    for person, key, next_url in without_login:
        if key in told:
            continue
        if person.pk in muted:
            activation_owed(person=person, next_url=next_url)
        elif link := activation_link(person=person, next_url=next_url):
            links[key] = link
    return links
