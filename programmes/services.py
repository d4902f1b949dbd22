"""Writes for programmes, cohorts and enrolments."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from people.models import Person

from .models import Cohort, Enrolment, Programme


@transaction.atomic
def cohort_create(*, programme: Programme, name: str, starts_on, ends_on, cadence_days: int) -> Cohort:
    cohort = Cohort(
        programme=programme,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        cadence_days=cadence_days,
        state=Cohort.State.ENROLLING,
    )
    cohort.full_clean()
    cohort.save()
    return cohort


@transaction.atomic
def enrolment_create(
    *, cohort: Cohort, person: Person, role: str, capacity: int = 1, goals: str = "", goal_areas=()
) -> Enrolment:
    if cohort.state not in (Cohort.State.DRAFT, Cohort.State.ENROLLING, Cohort.State.MATCHING):
        raise ValidationError(_("People can only be enrolled before the cohort is active."))
    if person.has_left():
        raise ValidationError(_("%(name)s has left the company.") % {"name": person.full_name})
    enrolment = Enrolment(
        cohort=cohort,
        person=person,
        role=role,
        capacity=1 if role == Enrolment.Role.MENTEE else capacity,
        goals=goals,
    )
    enrolment.full_clean()
    try:
        # A concurrent enrolment of the same person can pass full_clean and still lose the race
        # on the unique constraint; say so in words instead of a 500.
        with transaction.atomic():
            enrolment.save()
    except IntegrityError as exc:
        raise ValidationError(_("%(name)s is already enrolled in this cohort.") % {"name": person}) from exc
    enrolment.goal_areas.set(goal_areas)
    return enrolment
