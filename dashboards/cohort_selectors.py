"""Reads for the admin's cohort page, which gathers enrolment, matching, check-ins and close-out.

It lives in dashboards, above every app it reads; programmes (below them all) keeps the cohort itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import MatchRun, Pairing
from programmes.models import Cohort, Enrolment
from sessions.checkins import flagged_pairings
from sessions.models import MentoringSession


def cohort_enrolments(cohort: Cohort, *, role: str | None = None, active: bool = True):
    """The cohort's enrolments in name order, for a paginator: active ones of `role`, or
    (active=False) everyone applied, waitlisted or withdrawn. `with_partners` then fills in a page."""
    enrolments = cohort.enrolments.select_related("person__team", "person__user").order_by(
        "person__full_name", "pk"
    )
    if active:
        enrolments = enrolments.filter(status=Enrolment.Status.ACTIVE)
    else:
        enrolments = enrolments.exclude(status=Enrolment.Status.ACTIVE)
    if role is not None:
        enrolments = enrolments.filter(role=role)
    return enrolments


def with_partners(cohort: Cohort, enrolments) -> list[Enrolment]:
    """One page of enrolments with their pairings, in one more query: `partners` (names, active
    pairings), `active_pairing` and `ended_pairing` (a mentee's latest that has ended: a closed
    cohort shows who completed with whom rather than "not matched"), `completed_partners` (a mentor's)."""
    enrolments = list(enrolments)
    ids = [e.pk for e in enrolments]
    # The partners' names as columns, not four more model instances per pair; other fields of a
    # pairing load if a template ever asks for them.
    published = (
        Pairing.objects.filter(cohort=cohort, status__in=[Pairing.Status.ACTIVE, Pairing.Status.ENDED])
        .filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids))
        .only("pk", "cohort_id", "mentor_id", "mentee_id", "status", "outcome", "started_on")
        .annotate(mentor_name=F("mentor__person__full_name"), mentee_name=F("mentee__person__full_name"))
        .order_by("started_on", "pk")
    )
    partners: dict[int, list[str]] = {}
    completed_partners: dict[int, list[str]] = {}
    pairing_of: dict[int, Pairing] = {}
    ended_of: dict[int, Pairing] = {}
    for pairing in published if ids else ():
        if pairing.status == Pairing.Status.ACTIVE:
            partners.setdefault(pairing.mentee_id, []).append(pairing.mentor_name)
            partners.setdefault(pairing.mentor_id, []).append(pairing.mentee_name)
            pairing_of[pairing.mentee_id] = pairing
        else:
            ended_of[pairing.mentee_id] = pairing  # the latest, by start
            if pairing.is_completed:
                completed_partners.setdefault(pairing.mentor_id, []).append(pairing.mentee_name)
    for enrolment in enrolments:
        enrolment.partners = partners.get(enrolment.pk, [])
        enrolment.completed_partners = completed_partners.get(enrolment.pk, [])
        enrolment.active_pairing = pairing_of.get(enrolment.pk)
        enrolment.ended_pairing = ended_of.get(enrolment.pk)
    return enrolments


def cohort_match_runs(cohort: Cohort):
    return MatchRun.objects.filter(cohort=cohort).annotate(pair_count=Count("pairings"))


# The cohort page names this many people whose profile is unfinished, and this many overdue pairs;
# the counts say the rest.
INCOMPLETE_NAMED = 20
OVERDUE_SHOWN = 20


def pairings_overdue_for_session(cohort: Cohort, *, today: datetime.date):
    """The cohort's active pairs overdue for a session (the rule: `Cohort.session_due_since`, the
    same as `Pairing.is_overdue_for_session`), longest silent first, with both people loaded."""
    # The latest session as a subquery (one probe of session_pairing_latest_idx per pair), not
    # MAX over a join: grouping 17,000 sessions by every selected column took 0.6 s at 20,000 people.
    latest = (
        MentoringSession.objects.filter(pairing=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    )
    return (
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .annotate(last_session_on=Subquery(latest.values("held_on")[:1]))
        .annotate(last_met_on=Coalesce(F("last_session_on"), F("started_on")))
        .filter(last_met_on__lt=cohort.session_due_since(today))
        .select_related("cohort", "mentor__person", "mentee__person")
        .order_by("last_met_on", "pk")
    )


@dataclass
class Overview:
    counts: dict[str, int]  # "mentor_applied": 2
    incomplete_profiles: list[Enrolment] = field(default_factory=list)  # the first INCOMPLETE_NAMED
    incomplete_count: int = 0
    unmatched_count: int = 0
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


def cohort_overview(cohort: Cohort, today: datetime.date | None = None) -> Overview:
    """What the admin should know about a cohort now, in a fixed number of queries: counts in
    SQL, and only the first few names of those with an unfinished profile."""
    today = today or timezone.localdate()
    rows = cohort.enrolments.order_by().values("role", "status").annotate(n=Count("pk"))
    counts = {f"{row['role']}_{row['status']}": row["n"] for row in rows}
    active = cohort.enrolments.filter(status=Enrolment.Status.ACTIVE)
    incomplete = active.filter(profile_completed_at__isnull=True)
    overview = Overview(
        counts=counts,
        incomplete_profiles=list(
            incomplete.select_related("person").order_by("person__full_name", "pk")[:INCOMPLETE_NAMED]
        ),
        incomplete_count=incomplete.count(),
        # A mentee whose pairing completed is not "without a mentor": they finished.
        unmatched_count=active.filter(role=Enrolment.Role.MENTEE)
        .exclude(Exists(Pairing.objects.filter(mentee=OuterRef("pk"), status=Pairing.Status.ACTIVE)))
        .exclude(
            Exists(
                Pairing.objects.filter(
                    mentee=OuterRef("pk"), status=Pairing.Status.ENDED, outcome=Pairing.Outcome.COMPLETED
                )
            )
        )
        .count(),
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
    if cohort.state in (Cohort.State.MATCHING, Cohort.State.ACTIVE) and overview.unmatched_count:
        n = overview.unmatched_count
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
    if cohort.is_active and cohort.ends_on <= today:
        overview.attention.append(_("The cohort's end date has passed: begin close-out"))
    return overview
