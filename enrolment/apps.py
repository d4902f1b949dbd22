from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    """Invitations, self-enrolment, the profile questionnaire, mentor approval, waitlist, moves."""

    name = "enrolment"
    verbose_name = _("Enrolment")
