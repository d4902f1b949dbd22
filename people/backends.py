from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from mentorship.prepared import PreparedQuery

from . import roles


def _user_with_roles(user_id):
    UserModel = get_user_model()
    return roles.users_with_roles(UserModel._default_manager.filter(pk=user_id))


# Compiled once per process: every request loads its user this way (mentorship/prepared.py).
_users_with_roles = PreparedQuery(_user_with_roles, stand_ins=(-1_987_654_321,))


class RolesModelBackend(ModelBackend):
    """Django's model backend, except that the user of each request comes with their person and
    role flags in the one query that loads it: the navigation asks for all of them on every page
    (three queries more otherwise). Logging in, passwords and permissions are Django's."""

    def get_user(self, user_id):
        try:
            user_id = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        found = _users_with_roles(user_id)
        if not found:
            return None
        user = found[0]
        roles.remember_roles(user)
        return user if self.user_can_authenticate(user) else None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check, first in AUTHENTICATION_BACKENDS: a locked-out login is refused before any
    backend checks its password. A call without a request (a management command, a script checking
    a password) has no client to count or lock out, so it is let through to the other backends
    instead of raising as axes does; every login form passes its request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
