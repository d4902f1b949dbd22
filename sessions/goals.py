"""Writes (and, later, reads) for SMART goals."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matching.models import Pairing
from people.models import Person

from .access import require_active
from .models import Goal


@transaction.atomic
def goal_create(*, pairing: Pairing, by: Person, **fields) -> Goal:
    require_active(pairing)
    goal = Goal(pairing=pairing, created_by=by, **fields)
    cohort = pairing.cohort
    if goal.due_on and goal.due_on > cohort.ends_on:
        raise ValidationError(
            {"due_on": _("Pick a date on or before the cohort ends (%(date)s).") % {"date": cohort.ends_on}}
        )
    goal.full_clean()
    goal.save()
    return goal
