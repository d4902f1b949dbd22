from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from matching.stamps import content_written
        from sessions.models import CheckIn, MentoringSession

        from . import rollups
        from .cohort_selectors import FLAG_MODELS, flags_changed

        # Every write to a session or check-in works its pairing's months out again (rollups.py).
        for model in (MentoringSession, CheckIn):
            content_written.connect(
                rollups.content_written, sender=model, dispatch_uid=f"pairing-months-{model.__name__}"
            )

        # Every write to a check-in or its resolution replaces the stamp of the cohort page's
        # flagged count (cohort_selectors.flagged_count).
        for model in FLAG_MODELS:
            post_save.connect(flags_changed, sender=model, dispatch_uid=f"cohort-flags-save-{model.__name__}")
            post_delete.connect(
                flags_changed, sender=model, dispatch_uid=f"cohort-flags-delete-{model.__name__}"
            )
