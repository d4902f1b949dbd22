from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    """Training modules per programme, for mentors and mentees, and who finished them."""

    name = "training"
    verbose_name = _("Training")

    def ready(self):
        from . import receivers  # noqa: F401
