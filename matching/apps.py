from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        # Adds matching's checks to the cohort lifecycle, which programmes (below matching) cannot import.
        # Says who a published run's broadcast tells (notifications sits below matching).
        from programmes import stamps

        from . import (
            emails,  # noqa: F401
            lifecycle,  # noqa: F401
        )
        from .models import MatchRun, Pairing, PairRule

        # Every write to a run, a pairing or a pair rule replaces its cohort's stamp (programmes/stamps.py).
        stamps.connect([MatchRun, Pairing, PairRule])
