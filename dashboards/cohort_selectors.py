"""Reads for the admin's cohort page, which gathers enrolment, matching, check-ins and close-out.

It lives in dashboards, above every app it reads; programmes (below them all) keeps the cohort itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import MatchRun, Pairing
from programmes.models import Cohort, Enrolment
from sessions.checkins import flagged_pairings


def cohort_enrolments(cohort: Cohort, *, role: str | None = None, active: bool = True):
    """The cohort's enrolments in name order, for a paginator: active ones of `role`, or
    (active=False) everyone applied, waitlisted or withdrawn. `with_partners` then fills in a page."""
    enrolments = cohort.enrolments.select_related("person__team").order_by("person__full_name", "pk")
    if active:
        enrolments = enrolments.filter(status=Enrolment.Status.ACTIVE)
    else:
        enrolments = enrolments.exclude(status=Enrolment.Status.ACTIVE)
    if role is not None:
        enrolments = enrolments.filter(role=role)
    return enrolments


def with_partners(cohort: Cohort, enrolments) -> list[Enrolment]:
    """One page of enrolments with the active pairing partners of each, in one more query."""
    enrolments = list(enrolments)
    ids = [e.pk for e in enrolments]
    # The partners' names as columns, not four more model instances per pair; other fields of a
    # pairing load if a template ever asks for them.
    active = (
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .filter(Q(mentee_id__in=ids) | Q(mentor_id__in=ids))
        .only("pk", "cohort_id", "mentor_id", "mentee_id", "status", "started_on")
        .annotate(mentor_name=F("mentor__person__full_name"), mentee_name=F("mentee__person__full_name"))
    )
    partners: dict[int, list[str]] = {}
    pairing_of: dict[int, Pairing] = {}
    for pairing in active if ids else ():
        partners.setdefault(pairing.mentee_id, []).append(pairing.mentor_name)
        partners.setdefault(pairing.mentor_id, []).append(pairing.mentee_name)
        pairing_of[pairing.mentee_id] = pairing
    for enrolment in enrolments:
        enrolment.partners = partners.get(enrolment.pk, [])
        enrolment.active_pairing = pairing_of.get(enrolment.pk)
    return enrolments


def cohort_match_runs(cohort: Cohort):
    # A background run's placeholder points at the run it produced; list only real runs.
    return (
        MatchRun.objects.filter(cohort=cohort)
        .exclude(quality__has_key="result_run_id")
        .annotate(pair_count=Count("pairings"))
    )


# The cohort page names this many people whose profile is unfinished; the count says the rest.
INCOMPLETE_NAMED = 20


@dataclass
class Overview:
    counts: dict[str, int]  # "mentor_applied": 2
    incomplete_profiles: list[Enrolment] = field(default_factory=list)  # the first INCOMPLETE_NAMED
    incomplete_count: int = 0
    unmatched_count: int = 0
    attention: list[str] = field(default_factory=list)

    def count(self, role: str, status: str) -> int:
        return self.counts.get(f"{role}_{status}", 0)


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
        unmatched_count=active.filter(role=Enrolment.Role.MENTEE)
        .exclude(Exists(Pairing.objects.filter(mentee=OuterRef("pk"), status=Pairing.Status.ACTIVE)))
        .count(),
    )
    applied = overview.count(Enrolment.Role.MENTOR, Enrolment.Status.APPLIED)
    waitlisted = sum(overview.count(role, Enrolment.Status.WAITLISTED) for role in Enrolment.Role.values)
    if applied:
        overview.attention.append(_("%(n)d mentor application(s) waiting for review") % {"n": applied})
    if waitlisted:
        overview.attention.append(_("%(n)d person(s) on the waitlist") % {"n": waitlisted})
    if cohort.state in (Cohort.State.MATCHING, Cohort.State.ACTIVE) and overview.unmatched_count:
        overview.attention.append(_("%(n)d mentee(s) without a mentor") % {"n": overview.unmatched_count})
    if cohort.state == Cohort.State.ACTIVE:
        quiet_since = today - datetime.timedelta(days=2 * cohort.cadence_days)
        quiet = (
            Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
            .annotate(last=Coalesce(Max("sessions__held_on"), F("started_on")))
            .filter(last__lt=quiet_since)
            .count()
        )
        if quiet:
            overview.attention.append(_("%(n)d pair(s) have not met for twice the cadence") % {"n": quiet})
        # One rule for "flagged" everywhere: the admin's flag page lists exactly these pairs.
        low = flagged_pairings(cohort).count()
        if low:
            overview.attention.append(
                _("%(n)d pair(s) flagged low satisfaction, not meeting or blockers in their latest check-in")
                % {"n": low}
            )
    if cohort.state == Cohort.State.ACTIVE and cohort.ends_on <= today:
        overview.attention.append(_("The cohort's end date has passed: begin close-out"))
    return overview
