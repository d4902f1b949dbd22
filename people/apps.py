from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People")

    def ready(self):
        # Every write to a person, login, team or tag replaces the people's stamp (people/stamps.py).
        from . import stamps

        stamps.connect()

        from django.contrib.auth.signals import user_logged_in

        from . import idle

        user_logged_in.connect(idle.on_login, dispatch_uid="people.idle.on_login")
