"""Who a user is in the product. Every access decision starts here (see people/rules.py)."""

from django.conf import settings

from .models import Person, Team


def person_of(user) -> Person | None:
    if not user.is_authenticated:
        return None
    # Django caches a found reverse one-to-one but not a missing one; remember both.
    if not hasattr(user, "_person_of"):
        try:
            user._person_of = user.person
        except Person.DoesNotExist:
            user._person_of = None
    return user._person_of


def is_programme_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object: the nav asks on every page.
    if not hasattr(user, "_is_programme_admin"):
        user._is_programme_admin = user.groups.filter(name=settings.ADMINS_GROUP).exists()
    return user._is_programme_admin


def is_manager(user) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if not hasattr(user, "_is_manager"):
        user._is_manager = person.reports.exists()
    return user._is_manager


def teams_managed_by(person: Person):
    """The teams a manager answers for: every team one of their direct reports sits in."""
    return Team.objects.filter(people__manager=person).distinct()
