from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home")

    def ready(self):
        from closeout.models import Reflection, SurveyResponse, Thanks
        from training.models import Completion, TrainingModule

        from . import kept

        # Steps these writes add or remove are not under a pair's or a cohort's stamp.
        kept.connect([Reflection, SurveyResponse, Thanks, Completion, TrainingModule])
