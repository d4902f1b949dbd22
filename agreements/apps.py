from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Mentoring agreements")

    def ready(self):
        from matching import stamps

        from .models import Agreement, Signature

        # The workspace shows the agreement's state: every write to it refreshes the kept page.
        stamps.connect([Agreement, Signature])
