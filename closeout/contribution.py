"""A mentor's contribution: what they gave across every pairing they mentored, by cohort, and the
thanks their mentees wrote them. Reads only: the page, its printable form and its CSV share them.

Every figure is an SQL aggregate grouped by cohort, in a fixed number of queries whatever the
number of pairings, sessions or goals. Only the mentor's own published pairings count (a proposed
pair of a match run never mentored anyone).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from matching.models import Pairing
from mentorship.spreadsheets import neutralised
from people.models import Person
from sessions.models import Goal, MentoringSession

from .models import Thanks


@dataclass
class Figures:
    """One cohort's figures (or, for the total, every cohort's)."""

    pairings: int = 0
    mentees: int = 0
    sessions: int = 0
    minutes: int = 0
    goals_achieved: int = 0
    thanks: int = 0

    @property
    def hours(self) -> float:
        """Session time in hours, to the tenth."""
        return round(self.minutes / 60, 1)


@dataclass
class CohortContribution:
    cohort_id: int
    cohort: str
    programme: str
    starts_on: object
    figures: Figures = field(default_factory=Figures)


@dataclass(frozen=True)
class ThanksReceived:
    mentee: str
    cohort: str
    body: str
    written_on: object


@dataclass
class Contribution:
    mentor: Person
    cohorts: list[CohortContribution]
    total: Figures
    thanks: list[ThanksReceived]

    @property
    def is_empty(self) -> bool:
        return not self.cohorts


def _mentored_by(person: Person):
    return Pairing.objects.filter(mentor__person=person).exclude(status=Pairing.Status.PROPOSED)


def contribution_of(person: Person) -> Contribution:
    """The mentor's figures by cohort (newest cohort first), their total, and their thanks
    (newest first), in five queries (one for someone who never mentored)."""
    pairings = _mentored_by(person)
    cohorts: dict[int, CohortContribution] = {}
    for row in (
        pairings.values("cohort_id", "cohort__name", "cohort__programme__name", "cohort__starts_on")
        .annotate(pairings=Count("pk"), mentees=Count("mentee__person", distinct=True))
        .order_by("-cohort__starts_on", "cohort_id")
    ):
        cohorts[row["cohort_id"]] = CohortContribution(
            cohort_id=row["cohort_id"],
            cohort=row["cohort__name"],
            programme=row["cohort__programme__name"],
            starts_on=row["cohort__starts_on"],
            figures=Figures(pairings=row["pairings"], mentees=row["mentees"]),
        )
    if not cohorts:
        return Contribution(mentor=person, cohorts=[], total=Figures(), thanks=[])
    pairing_ids = pairings.values("pk")
    for row in (
        MentoringSession.objects.filter(pairing__in=pairing_ids)
        .values("pairing__cohort_id")
        .annotate(sessions=Count("pk"), minutes=Sum("duration_minutes"))
        .order_by()
    ):
        figures = cohorts[row["pairing__cohort_id"]].figures
        figures.sessions, figures.minutes = row["sessions"], row["minutes"] or 0
    for row in (
        Goal.objects.filter(Q(status=Goal.Status.ACHIEVED), pairing__in=pairing_ids)
        .values("pairing__cohort_id")
        .annotate(achieved=Count("pk"))
        .order_by()
    ):
        cohorts[row["pairing__cohort_id"]].figures.goals_achieved = row["achieved"]
    thanks = []
    for given in (
        Thanks.objects.filter(pairing__in=pairing_ids)
        .select_related("pairing__cohort", "pairing__mentee__person")
        .order_by("-created_at", "-pk")
    ):
        cohorts[given.pairing.cohort_id].figures.thanks += 1
        thanks.append(
            ThanksReceived(
                mentee=given.pairing.mentee.person.full_name,
                cohort=given.pairing.cohort.name,
                body=given.body,
                written_on=given.created_at,
            )
        )
    listed = list(cohorts.values())
    total = Figures(
        pairings=sum(c.figures.pairings for c in listed),
        # A mentee met again in another cohort is the same person: counted once.
        mentees=pairings.aggregate(n=Count("mentee__person", distinct=True))["n"],
        sessions=sum(c.figures.sessions for c in listed),
        minutes=sum(c.figures.minutes for c in listed),
        goals_achieved=sum(c.figures.goals_achieved for c in listed),
        thanks=len(thanks),
    )
    return Contribution(mentor=person, cohorts=listed, total=total, thanks=thanks)


def contribution_csv(contribution: Contribution) -> str:
    """The summary as CSV: the figures by cohort with their total, then the thanks with their words.
    Every cell a person typed is neutralised (mentorship/spreadsheets.py)."""
    out = io.StringIO()
    writer = csv.writer(out)
    title = _("Mentoring contribution of %(name)s") % {"name": contribution.mentor.full_name}
    writer.writerow([neutralised(title)])
    headers = [
        _("Cohort"),
        _("Programme"),
        _("Pairings"),
        _("Mentees"),
        _("Sessions logged"),
        _("Hours"),
        _("Goals achieved"),
        _("Thanks received"),
    ]
    writer.writerow(headers)

    def numbers(figures: Figures) -> list:
        return [
            figures.pairings,
            figures.mentees,
            figures.sessions,
            f"{figures.hours:.1f}",
            figures.goals_achieved,
            figures.thanks,
        ]

    for row in contribution.cohorts:
        writer.writerow([neutralised(row.cohort), neutralised(row.programme), *numbers(row.figures)])
    writer.writerow([_("All cohorts"), "", *numbers(contribution.total)])
    if contribution.thanks:
        writer.writerow([])
        writer.writerow([_("Date"), _("Cohort"), _("From"), _("Thanks")])
        for given in contribution.thanks:
            writer.writerow(
                [
                    given.written_on.date().isoformat(),
                    neutralised(given.cohort),
                    neutralised(given.mentee),
                    neutralised(given.body),
                ]
            )
    return out.getvalue()
