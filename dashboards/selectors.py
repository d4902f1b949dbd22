"""Aggregates for managers and programme admins, computed in SQL.

A figure drawn from fewer than MIN_GROUP people is withheld, so nobody's answers can be singled out.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Q
from django.utils import timezone

from matching.models import Pairing
from mentorship.figures import round_average
from people.models import Person
from people.roles import is_programme_admin, person_of, teams_managed_by
from programmes.models import Enrolment
from sessions.models import CheckIn, MentoringSession

MIN_GROUP = 5


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def shown(self) -> bool:
        return self.denominator >= MIN_GROUP

    @property
    def percent(self) -> float | None:
        return round(100 * self.numerator / self.denominator, 1) if self.shown else None


@dataclass(frozen=True)
class Average:
    value: float | None
    people: int

    @property
    def shown(self) -> bool:
        return self.people >= MIN_GROUP and self.value is not None

    @property
    def rounded(self) -> float | None:
        return round_average(self.value) if self.shown else None


@dataclass(frozen=True)
class Overview:
    scope_label: str
    people: int
    active_pairings: int
    satisfaction: Average
    session_rating: Average
    retention_participants: Rate
    retention_others: Rate


def people_in_scope(user):
    """Everyone for a programme admin; the people of a manager's teams for a manager."""
    if is_programme_admin(user):
        return Person.objects.all()
    person = person_of(user)
    if person is None:
        return Person.objects.none()
    return Person.objects.filter(team__in=teams_managed_by(person))


def overview(user, today: datetime.date | None = None) -> Overview:
    today = today or timezone.localdate()
    people = people_in_scope(user)
    stayed = Q(leave_date__isnull=True) | Q(leave_date__gt=today)
    # "Has ever enrolled" as one hashed set of people, not an EXISTS per person and per figure.
    participant = Q(pk__in=Enrolment.objects.values("person_id"))
    counts = people.aggregate(
        total=Count("pk"),
        stayed=Count("pk", filter=stayed),
        participants=Count("pk", filter=participant),
        participants_stayed=Count("pk", filter=participant & stayed),
    )
    # A programme admin's scope is everyone: no need to join each pairing to its mentee's person.
    pairings = (
        Pairing.objects.all()
        if is_programme_admin(user)
        else Pairing.objects.filter(mentee__person__in=people)
    )
    pulse = CheckIn.objects.filter(pairing__in=pairings).aggregate(
        value=Avg("satisfaction"), people=Count("person", distinct=True)
    )
    ratings = MentoringSession.objects.filter(pairing__in=pairings, rating__isnull=False).aggregate(
        value=Avg("rating"), people=Count("logged_by", distinct=True)
    )
    return Overview(
        scope_label="programme" if is_programme_admin(user) else "team",
        people=counts["total"],
        active_pairings=pairings.filter(status=Pairing.Status.ACTIVE).count(),
        satisfaction=Average(pulse["value"], pulse["people"]),
        session_rating=Average(ratings["value"], ratings["people"]),
        retention_participants=Rate(counts["participants_stayed"], counts["participants"]),
        retention_others=Rate(
            counts["stayed"] - counts["participants_stayed"], counts["total"] - counts["participants"]
        ),
    )
