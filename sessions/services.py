"""Writes in the pair's workspace."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from matching.models import Pairing
from people.models import Person

from .access import require_active
from .models import MentoringSession


@transaction.atomic
def session_log(*, pairing: Pairing, by: Person, **fields) -> MentoringSession:
    require_active(pairing)
    session = MentoringSession(pairing=pairing, logged_by=by, **fields)
    if pairing.started_on and session.held_on and session.held_on < pairing.started_on:
        raise ValidationError({"held_on": _("The session can't be before the mentorship started.")})
    session.full_clean()
    session.save()
    return session
