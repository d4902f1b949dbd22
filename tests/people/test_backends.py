"""The login backend loads each request's user with their person and roles in one query (issue 8, §5)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from people import roles
from people.backends import RolesModelBackend
from tests.conftest import login
from tests.factories import UserFactory


def _fresh(user):
    """The user as a new request would see it, with nothing cached on the object."""
    return User.objects.get(pk=user.pk)


def test_roles_loaded_with_the_user_agree_with_asking_each_one(world):
    nobody = UserFactory(username="no-person")
    superuser = UserFactory(username="root", is_superuser=True)
    users = [world.admin, world.manager.user, world.mentor.user, world.outsider.user, nobody, superuser]
    for user in users:
        loaded = RolesModelBackend().get_user(user.pk)
        asked = _fresh(user)
        assert (
            roles.person_of(loaded),
            roles.is_programme_admin(loaded),
            roles.is_manager(loaded),
        ) == (roles.person_of(asked), roles.is_programme_admin(asked), roles.is_manager(asked)), user
    # By hand: who is what in the world fixture.
    assert roles.is_programme_admin(RolesModelBackend().get_user(world.admin.pk))
    assert roles.is_manager(RolesModelBackend().get_user(world.manager.user.pk))
    assert not roles.is_manager(RolesModelBackend().get_user(world.mentor.user.pk))
    assert roles.person_of(RolesModelBackend().get_user(nobody.pk)) is None


def test_a_page_asks_the_database_only_for_the_user_whatever_the_navigation_shows(
    client, world, django_assert_num_queries
):
    login(client, world.manager.user)
    # A page that reads nothing of its own (the home page now reads the manager's headline).
    client.get(reverse("password_change"))  # the session is saved once after login
    with django_assert_num_queries(1):
        page = client.get(reverse("password_change")).content.decode()
    assert reverse("dashboards:overview") in page  # a manager's navigation
    assert reverse("mentoring_sessions:pairing-list") in page  # and a person's


def test_a_role_given_between_two_requests_shows_on_the_next_page(client, world, programme_admin_group):
    login(client, world.outsider.user)
    assert reverse("programmes:cohort-list") not in client.get(reverse("home")).content.decode()
    world.outsider.user.groups.add(programme_admin_group)
    assert reverse("programmes:cohort-list") in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("active", [True, False])
def test_an_inactive_user_is_logged_out_as_with_djangos_backend(client, world, active):
    login(client, world.mentor.user)
    User.objects.filter(pk=world.mentor.user.pk).update(is_active=active)
    response = client.get(reverse("home"))
    assert response.status_code == (200 if active else 302)
