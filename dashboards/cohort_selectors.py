"""Reads for the admin's cohort page, which gathers enrolment, matching, check-ins and close-out.

It lives in dashboards, above every app it reads; programmes (below them all) keeps the cohort itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import MatchRun, Pairing
from programmes.models import Cohort, Enrolment
from sessions.checkins import flagged_pairings


def cohort_enrolments(cohort: Cohort):
    """Enrolments with the active pairing partners of each, in two queries."""
    enrolments = list(cohort.enrolments.select_related("person__team"))
    active = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).select_related(
        "mentor__person", "mentee__person"
    )
    partners: dict[int, list[str]] = {}
    pairing_of: dict[int, Pairing] = {}
    for pairing in active:
        partners.setdefault(pairing.mentee_id, []).append(pairing.mentor.person.full_name)
        partners.setdefault(pairing.mentor_id, []).append(pairing.mentee.person.full_name)
        pairing_of[pairing.mentee_id] = pairing
    for enrolment in enrolments:
        enrolment.partners = partners.get(enrolment.pk, [])
        enrolment.active_pairing = pairing_of.get(enrolment.pk)
    return enrolments


def cohort_match_runs(cohort: Cohort):
    return MatchRun.objects.filter(cohort=cohort).annotate(pair_count=Count("pairings"))


@dataclass
class Overview:
    counts: dict[str, int]  # "mentor_applied": 2
    incomplete_profiles: list[Enrolment] = field(default_factory=list)
    unmatched_mentees: list[Enrolment] = field(default_factory=list)
    attention: list[str] = field(default_factory=list)

    def count(self, role: str, status: str) -> int:
        return self.counts.get(f"{role}_{status}", 0)


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
        unmatched_mentees=[e for e in active if e.role == Enrolment.Role.MENTEE and not e.partners],
    )
    applied = overview.count(Enrolment.Role.MENTOR, Enrolment.Status.APPLIED)
    waitlisted = sum(overview.count(role, Enrolment.Status.WAITLISTED) for role in Enrolment.Role.values)
    if applied:
        overview.attention.append(_("%(n)d mentor application(s) waiting for review") % {"n": applied})
    if waitlisted:
        overview.attention.append(_("%(n)d person(s) on the waitlist") % {"n": waitlisted})
    if cohort.state in (Cohort.State.MATCHING, Cohort.State.ACTIVE) and overview.unmatched_mentees:
        overview.attention.append(
            _("%(n)d mentee(s) without a mentor") % {"n": len(overview.unmatched_mentees)}
        )
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
