from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        # Records when a cohort closes (retention counts from it): a step of the cohort lifecycle,
        # which programmes (below privacy) cannot import.
        from . import lifecycle  # noqa: F401
