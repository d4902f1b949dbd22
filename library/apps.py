from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "library"
    verbose_name = _("Resources and session guides")

    def ready(self):
        from django.db.models.signals import post_save

        from matching import stamps
        from programmes.models import Programme

        from . import models, rules, services  # noqa: F401  (rules registers the permissions)

        stamps.connect([models.SharedResource])
        post_save.connect(
            services.programme_created, sender=Programme, dispatch_uid="library-starters-for-new-programme"
        )
