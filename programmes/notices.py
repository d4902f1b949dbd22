"""What every lifecycle message needs, whichever app owes it (enrolment, matching, sessions, close-out):
the person who acted, and the activation link a person without a login gets inside the message
itself, so they get one email for the moment instead of two."""

from notifications.models import Notification
from people.models import Person
from people.roles import person_of
from people.services import activation_link


def actor_of(by) -> Person | None:
    """The person behind `by` (a login, a person or None), named in the message as the one who acted."""
    if by is None or isinstance(by, Person):
        return by
    return person_of(by)


def activation_once(*, person: Person, key: str, next_url: str) -> dict | None:
    """A fresh activation link for a person who cannot log in yet, for the message keyed `key`; None
    when they can log in or the message was recorded before. A new link stops the older one working,
    so none is made for a repeat that sends nothing."""
    if person.can_log_in or Notification.objects.filter(key=key).exists():
        return None
    return activation_link(person=person, next_url=next_url)


def activations_once(wanted: list[tuple[Person, str, str]]) -> dict[str, dict]:
    """`activation_once` for many (person, key, next_url) at once: {key: link} for the people who
    cannot log in yet and whose message is new, asking which messages exist in one query (none when
    everyone can log in). Making each link still writes that person's login."""
    without_login = [item for item in wanted if not item[0].can_log_in]
    if not without_login:
        return {}
    keys = [key for _person, key, _url in without_login]
    told = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    links = {}
    for person, key, next_url in without_login:
        if key not in told:
            link = activation_link(person=person, next_url=next_url)
            if link:
                links[key] = link
    return links
