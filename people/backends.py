from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import roles


class RolesModelBackend(ModelBackend):
    """Django's model backend, except that the user of each request comes with their person and
    role flags in the one query that loads it: the navigation asks for all of them on every page
    (three queries more otherwise). Logging in, passwords and permissions are Django's."""

    def get_user(self, user_id):
        UserModel = get_user_model()
        try:
            user = roles.users_with_roles(UserModel._default_manager.filter(pk=user_id)).get()
        except UserModel.DoesNotExist:
            return None
        roles.remember_roles(user)
        return user if self.user_can_authenticate(user) else None
