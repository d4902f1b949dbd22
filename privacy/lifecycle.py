"""The moment a cohort closes, kept for the retention period (privacy/retention.py)."""

from django.utils import timezone

from programmes.models import Cohort
from programmes.services import transition_step

from .models import CohortClosure


@transition_step(Cohort.State.CLOSED)
def _record_closure(cohort):
    CohortClosure.objects.update_or_create(cohort=cohort, defaults={"closed_at": timezone.now()})
