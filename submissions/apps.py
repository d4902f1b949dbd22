from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Form submissions")

    def ready(self):
        # A form's token is made per rendering: a page kept rendered (mentorship/kept.py) gets a new
        # one in each form on every request.
        from mentorship import kept

        from .once import TOKEN_FIELD, new_token

        kept.per_request_field(TOKEN_FIELD, new_token)
