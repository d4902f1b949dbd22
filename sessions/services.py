"""Writes in the pair's workspace."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matching.models import Pairing
from people.models import Person

from .models import Goal, MentoringSession


def _require_active(pairing: Pairing):
    # A closed cohort's pairings are all ended by closing it; the second test guards against one
    # left active by hand (e.g. in the Django admin).
    if pairing.status != Pairing.Status.ACTIVE or pairing.cohort.is_read_only:
        raise ValidationError(_("This mentorship has ended; its history is read-only."))


@transaction.atomic
def session_log(*, pairing: Pairing, by: Person, **fields) -> MentoringSession:
    _require_active(pairing)
    session = MentoringSession(pairing=pairing, logged_by=by, **fields)
    if pairing.started_on and session.held_on and session.held_on < pairing.started_on:
        raise ValidationError({"held_on": _("The session can't be before the mentorship started.")})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def goal_create(*, pairing: Pairing, by: Person, **fields) -> Goal:
    _require_active(pairing)
    goal = Goal(pairing=pairing, created_by=by, **fields)
    cohort = pairing.cohort
    if goal.due_on and goal.due_on > cohort.ends_on:
        raise ValidationError(
            {"due_on": _("Pick a date on or before the cohort ends (%(date)s).") % {"date": cohort.ends_on}}
        )
    goal.full_clean()
    goal.save()
    return goal
