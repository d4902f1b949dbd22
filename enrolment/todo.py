"""What a person owes their enrolment, for their home page (mentorship/todo.py): the profile
questionnaire of a cohort that is still enrolling or matching, which matching reads."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from mentorship.todo import TodoItem
from people.models import Person
from programmes.models import Cohort, Enrolment
from programmes.selectors import enrolments_of

# Cohorts whose matching is still ahead: an unfinished profile leaves the matcher guessing.
PROFILE_STATES = (Cohort.State.ENROLLING, Cohort.State.MATCHING)
# The enrolments a person can still fill a profile for: not withdrawn and not declined.
CURRENT = (Enrolment.Status.ACTIVE, Enrolment.Status.APPLIED, Enrolment.Status.WAITLISTED)


def todo_for(person: Person, *, today: datetime.date) -> list[TodoItem]:
    """An item per unfinished profile questionnaire of a cohort enrolling or matching, due on the
    cohort's start. No query of its own: the person's enrolments are read once for every step."""
    enrolments = [
        enrolment
        for enrolment in enrolments_of(person)
        if enrolment.status in CURRENT
        and enrolment.cohort.state in PROFILE_STATES
        and not enrolment.profile_complete
    ]
    return [
        TodoItem(
            kind="profile",
            title=_("Finish your profile for %(cohort)s") % {"cohort": enrolment.cohort.name},
            url=reverse("enrolment:profile", args=[enrolment.pk]),
            due=enrolment.cohort.starts_on,
            detail=_("Your work style, interests, goals and availability: matching reads them."),
        )
        for enrolment in enrolments
    ]
