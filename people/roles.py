"""Who a user is in the product. Every access decision starts here (see people/rules.py)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from .models import Person, Team


def _admin_groups(user):
    return Group.objects.filter(user=user, name=settings.ADMINS_GROUP)


def _reports(manager):
    return Person.objects.filter(manager=manager)


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
        user._is_programme_admin = _admin_groups(user).exists()
    return user._is_programme_admin


def is_manager(user) -> bool:
    person = person_of(user)
    if person is None:
        return False
    if not hasattr(user, "_is_manager"):
        user._is_manager = _reports(person).exists()
    return user._is_manager


def users_with_roles(users):
    """`users` with their person and the answers of is_programme_admin and is_manager, in the same
    query; `remember_roles` puts them where the functions above look first. The login backend
    (people/backends.py) loads every request's user this way, because the navigation asks all
    three on every page."""
    return users.select_related("person").annotate(
        in_admins_group=Exists(_admin_groups(OuterRef("pk"))),
        # Through the person joined above: by the user it would be a join the planner hashes whole.
        manages_someone=Exists(_reports(OuterRef("person"))),
    )


def remember_roles(user) -> None:
    """For a user from `users_with_roles`: what it loaded, cached as the functions above cache it."""
    try:
        user._person_of = user.person
    except Person.DoesNotExist:
        user._person_of = None
    user._is_programme_admin = user.in_admins_group
    user._is_manager = user.manages_someone


def teams_managed_by(person: Person):
    """The teams a manager answers for: every team one of their direct reports sits in."""
    return Team.objects.filter(people__manager=person).distinct()
