"""What a person owes the close-out, for their home page (mentorship/todo.py): their reflection on a
pairing that has ended or whose cohort is concluding, and the end-of-cohort survey."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from matching.models import Pairing
from mentorship.todo import TodoItem
from people.models import Person
from programmes.models import Cohort, Enrolment
from programmes.selectors import enrolments_of

from .models import Reflection, SurveyResponse

# The most reflections or surveys listed: a person has a few at most.
MOST_PER_KIND = 20


def todo_for(person: Person, *, today: datetime.date) -> list[TodoItem]:
    """Reflections not yet written where one is accepted (Pairing.accepts_reflection: the pairing
    has ended or its cohort is concluding, and the cohort is not closed), and the survey of each
    concluding cohort the person is enrolled in and has not answered. Besides the person's
    enrolments (programmes.selectors.enrolments_of): one query, and one more with a cohort concluding."""
    # The person's enrolment ids as values (read once per person for every step): with a subquery
    # instead, PostgreSQL read every pairing to test it. A reflection is owed only in a cohort that
    # runs or concludes.
    mine = [
        e.pk
        for e in enrolments_of(person)
        if e.cohort.state in (Cohort.State.ACTIVE, Cohort.State.CONCLUDING)
    ]
    if not mine:
        return []
    pairings = (
        Pairing.objects.filter(Q(mentor__in=mine) | Q(mentee__in=mine))
        .filter(
            Q(status=Pairing.Status.ENDED)
            | Q(status=Pairing.Status.ACTIVE, cohort__state=Cohort.State.CONCLUDING)
        )
        .filter(cohort__state__in=[Cohort.State.ACTIVE, Cohort.State.CONCLUDING])
        .exclude(Exists(Reflection.objects.filter(pairing=OuterRef("pk"), person=person)))
        .select_related("mentor__person", "mentee__person")
        .order_by("pk")[:MOST_PER_KIND]
    )
    items = [
        TodoItem(
            kind="reflection",
            title=_("Write your reflection on your mentoring with %(name)s")
            % {"name": pairing.partner_of(person).full_name},
            url=reverse("closeout:reflection", args=[pairing.pk]),
            pairing_id=pairing.pk,
            detail=_(
                "What you achieved and what you learned: your partner reads it once you have both written."
            ),
        )
        for pairing in pairings
    ]
    # The person's enrolments are read once for every step: a survey is looked up only for a
    # concluding cohort.
    concluding = [
        e for e in enrolments_of(person) if e.status == Enrolment.Status.ACTIVE and e.cohort.is_concluding
    ]
    answered = (
        set(
            SurveyResponse.objects.filter(
                person=person, cohort__in=[e.cohort_id for e in concluding]
            ).values_list("cohort_id", flat=True)
        )
        if concluding
        else set()
    )
    surveys = sorted(
        (e for e in concluding if e.cohort_id not in answered), key=lambda e: (e.cohort.ends_on, e.pk)
    )[:MOST_PER_KIND]
    items += [
        TodoItem(
            kind="survey",
            title=_("Answer the end-of-cohort survey for %(cohort)s") % {"cohort": enrolment.cohort.name},
            url=reverse("closeout:survey", args=[enrolment.cohort_id]),
            detail=_("Two questions and a comment: how it went, and whether you would recommend it."),
        )
        for enrolment in surveys
    ]
    return items
