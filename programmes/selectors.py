"""Reads for programme admins."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import MatchRun, Pairing
from sessions.checkins import flagged_pairings

from .models import Cohort, Enrolment, Programme


def programme_list():
    return Programme.objects.annotate(
        cohort_count=Count("cohorts", distinct=True),
        active_cohort_count=Count("cohorts", filter=Q(cohorts__state=Cohort.State.ACTIVE), distinct=True),
    ).order_by("name")


def cohort_list(programme: Programme | None = None):
    cohorts = Cohort.objects.select_related("programme").order_by("-starts_on", "name")
    if programme is not None:
        cohorts = cohorts.filter(programme=programme)
    return cohorts.annotate(
        mentor_count=Count(
            "enrolments",
            filter=Q(enrolments__role=Enrolment.Role.MENTOR, enrolments__status=Enrolment.Status.ACTIVE),
        ),
        mentee_count=Count(
            "enrolments",
            filter=Q(enrolments__role=Enrolment.Role.MENTEE, enrolments__status=Enrolment.Status.ACTIVE),
        ),
    )


def cohort_enrolments(cohort: Cohort):
    """Enrolments with the partners of each, in two queries: `partners` (names, active pairings),
    `active_pairing` and `ended_pairing` (a mentee's latest that has ended: a closed cohort shows
    who completed with whom rather than "not matched"), `completed_partners` (a mentor's)."""
    enrolments = list(cohort.enrolments.select_related("person__team"))
    published = (
        Pairing.objects.filter(cohort=cohort, status__in=[Pairing.Status.ACTIVE, Pairing.Status.ENDED])
        .select_related("cohort", "mentor__person", "mentee__person")
        .order_by("started_on", "pk")
    )
    partners: dict[int, list[str]] = {}
    completed_partners: dict[int, list[str]] = {}
    pairing_of: dict[int, Pairing] = {}
    ended_of: dict[int, Pairing] = {}
    for pairing in published:
        if pairing.status == Pairing.Status.ACTIVE:
            partners.setdefault(pairing.mentee_id, []).append(pairing.mentor.person.full_name)
            partners.setdefault(pairing.mentor_id, []).append(pairing.mentee.person.full_name)
            pairing_of[pairing.mentee_id] = pairing
        else:
            ended_of[pairing.mentee_id] = pairing  # the latest, by start
            if pairing.is_completed:
                completed_partners.setdefault(pairing.mentor_id, []).append(pairing.mentee.person.full_name)
    for enrolment in enrolments:
        enrolment.partners = partners.get(enrolment.pk, [])
        enrolment.completed_partners = completed_partners.get(enrolment.pk, [])
        enrolment.active_pairing = pairing_of.get(enrolment.pk)
        enrolment.ended_pairing = ended_of.get(enrolment.pk)
    return enrolments


def cohort_match_runs(cohort: Cohort):
    # A background run's placeholder points at the run it produced; list only real runs.
    return (
        MatchRun.objects.filter(cohort=cohort)
        .exclude(quality__has_key="result_run_id")
        .annotate(pair_count=Count("pairings"))
    )


# How many overdue pairs the cohort page names; the rest are counted.
OVERDUE_SHOWN = 20


def pairings_overdue_for_session(cohort: Cohort, *, today: datetime.date):
    """The cohort's active pairs overdue for a session (the rule: `Cohort.session_due_since`, the
    same as `Pairing.is_overdue_for_session`), longest silent first, with both people loaded."""
    return (
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .annotate(last_session_on=Max("sessions__held_on"))
        .annotate(last_met_on=Coalesce(F("last_session_on"), F("started_on")))
        .filter(last_met_on__lt=cohort.session_due_since(today))
        .select_related("cohort", "mentor__person", "mentee__person")
        .order_by("last_met_on", "pk")
    )


@dataclass
class Overview:
    counts: dict[str, int]  # "mentor_applied": 2
    incomplete_profiles: list[Enrolment] = field(default_factory=list)
    unmatched_mentees: list[Enrolment] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)
    # Active pairs overdue for a session (Cohort.session_due_since): how many, and the first few.
    overdue_count: int = 0
    overdue_pairings: list[Pairing] = field(default_factory=list)

    def count(self, role: str, status: str) -> int:
        return self.counts.get(f"{role}_{status}", 0)

    @property
    def overdue_more(self) -> int:
        """Overdue pairs beyond the ones named."""
        return self.overdue_count - len(self.overdue_pairings)


def cohort_overview(
    cohort: Cohort, enrolments: list[Enrolment], today: datetime.date | None = None
) -> Overview:
    """What the admin should know about a cohort now. `enrolments` comes from cohort_enrolments()."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    for e in enrolments:
        counts[f"{e.role}_{e.status}"] = counts.get(f"{e.role}_{e.status}", 0) + 1
    active = [e for e in enrolments if e.status == Enrolment.Status.ACTIVE]
    overview = Overview(
        counts=counts,
        incomplete_profiles=[e for e in active if not e.profile_complete],
        unmatched_mentees=[
            e
            for e in active
            if e.role == Enrolment.Role.MENTEE
            and not e.partners
            and not (e.ended_pairing and e.ended_pairing.is_completed)
        ],
    )
    applied = overview.count(Enrolment.Role.MENTOR, Enrolment.Status.APPLIED)
    waitlisted = sum(overview.count(role, Enrolment.Status.WAITLISTED) for role in Enrolment.Role.values)
    if applied:
        overview.attention.append(
            ngettext(
                "%(n)d mentor application waiting for review",
                "%(n)d mentor applications waiting for review",
                applied,
            )
            % {"n": applied}
        )
    if waitlisted:
        overview.attention.append(
            ngettext("%(n)d person on the waitlist", "%(n)d people on the waitlist", waitlisted)
            % {"n": waitlisted}
        )
    if cohort.state in (Cohort.State.MATCHING, Cohort.State.ACTIVE) and overview.unmatched_mentees:
        n = len(overview.unmatched_mentees)
        overview.attention.append(
            ngettext("%(n)d mentee without a mentor", "%(n)d mentees without a mentor", n) % {"n": n}
        )
    if cohort.is_active:
        overdue = pairings_overdue_for_session(cohort, today=today)
        overview.overdue_count = overdue.count()
        overview.overdue_pairings = list(overdue[:OVERDUE_SHOWN])
        # One rule for "flagged" everywhere: the admin's flag page lists exactly these pairs.
        low = flagged_pairings(cohort).count()
        if low:
            overview.attention.append(
                ngettext(
                    "%(n)d pair flagged low satisfaction, not meeting or blockers in their latest check-in",
                    "%(n)d pairs flagged low satisfaction, not meeting or blockers in their latest check-in",
                    low,
                )
                % {"n": low}
            )
    if cohort.state == Cohort.State.ACTIVE and cohort.ends_on <= today:
        overview.attention.append(_("The cohort's end date has passed: begin close-out"))
    return overview
