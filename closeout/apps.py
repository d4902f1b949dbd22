from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CloseoutConfig(AppConfig):
    """Ending pairings (early, with a reason, and re-matching), reflections and the end-of-cohort survey."""

    name = "closeout"
    verbose_name = _("Close-out")

    def ready(self):
        from matching import stamps

        # Tells people of close-out's cohort moves, which programmes (below close-out) cannot import.
        from . import models, notices  # noqa: F401

        stamps.connect([models.Thanks])
