from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Programmes")

    def ready(self):
        # Every write to an enrolment replaces its cohort's stamp (programmes/stamps.py).
        from . import stamps
        from .models import Cohort, Enrolment, Programme

        stamps.connect([Enrolment])
        stamps.connect_rows([Cohort, Programme])
