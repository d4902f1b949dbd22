from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    """Invitations, self-enrolment, the profile questionnaire, mentor approval, waitlist, moves."""

    name = "enrolment"
    verbose_name = _("Enrolment")

    def ready(self):
        # Every write to an invitation replaces its cohort's stamp (programmes/stamps.py).
        from programmes import stamps

        from .models import Invitation

        stamps.connect([Invitation])
