"""Reads for the admin's cohort page, which gathers enrolment, matching, check-ins and close-out.

It lives in dashboards, above every app it reads; programmes (below them all) keeps the cohort itself.
"""

from __future__ import annotations

import datetime
import time
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import MatchRun, Pairing
from programmes.models import Cohort, Enrolment
from sessions.checkins import flagged_pairings
from sessions.models import CheckIn, FlagResolution, MentoringSession


def cohort_enrolments(cohort: Cohort, *, role: str | None = None, active: bool = True):
    """The cohort's enrolments in name order, for a paginator: active ones of `role`, or
    (active=False) everyone applied, waitlisted or withdrawn. `with_partners` then fills in a page."""
    # Only what a row shows: whole rows of the person and their login (password hash, dates) were
    # most of what a page read.
    enrolments = (
        cohort.enrolments.select_related("person__team", "person__user")
        .only(
            "cohort_id",
            "role",
            "status",
            "capacity",
            "person__full_name",
            "person__team__name",
            "person__user__is_active",
            "person__user__password",  # Person.can_log_in
            "person__user__last_login",
        )
        .order_by("person__full_name", "pk")
    )
    if active:
        enrolments = enrolments.filter(status=Enrolment.Status.ACTIVE)
    else:
        enrolments = enrolments.exclude(status=Enrolment.Status.ACTIVE)
    if role is not None:
        enrolments = enrolments.filter(role=role)
    return enrolments


def with_partners(cohort: Cohort, *pages) -> list[list[Enrolment]]:
    """Pages of enrolments (the mentors' and the mentees') with their pairings, in one more query
    for all of them: `partners` (names, active pairings), `active_pairing` and `ended_pairing` (a
    mentee's latest that has ended: a closed cohort shows who completed with whom rather than "not
    matched"), `completed_partners` (a mentor's). Returns each page as a list."""
    pages = [list(page) for page in pages]
    enrolments = [enrolment for page in pages for enrolment in page]
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
    return pages


def cohort_match_runs(cohort: Cohort):
    """The cohort's runs with their number of pairs: counted per run on the (run, mentee) index, not
    by grouping a join of every pairing; without the runs' stored unmatched lists and figures."""
    pairs = (
        Pairing.objects.filter(match_run=OuterRef("pk"))
        .order_by()
        .values("match_run")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        MatchRun.objects.filter(cohort=cohort)
        .only("cohort_id", "status", "created_at")
        .annotate(pair_count=Coalesce(Subquery(pairs), 0))
    )


# The cohort page names this many people whose profile is unfinished (names only), and this many
# overdue pairs (a line each, with links); the counts say the rest.
INCOMPLETE_NAMED = 20
OVERDUE_SHOWN = 10


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


def overdue_for_session(cohort: Cohort, *, today: datetime.date) -> tuple[int, list[Pairing]]:
    """How many of the cohort's active pairs are overdue for a session, and the first OVERDUE_SHOWN
    of them with both people. The first query finds and counts them without joining anyone (a
    window count rides on the first rows); joining people to every active pair before sorting took
    15-30 ms at 20,000 people, the 20 rows by key take well under one."""
    overdue = pairings_overdue_for_session(cohort, today=today)
    first = list(
        overdue.select_related(None)
        .annotate(total=Window(Count("pk")))
        .values_list("pk", "total")[:OVERDUE_SHOWN]
    )
    if not first:
        return 0, []
    shown = {p.pk: p for p in overdue.filter(pk__in=[pk for pk, _ in first]).defer("explanation")}
    return first[0][1], [shown[pk] for pk, _ in first if pk in shown]


# The pairs' activity (sessions held, check-ins answered) moves the overdue and flagged figures;
# the cohort page says they may be this old. Seeing a session a minute late costs nothing, while
# counting them cost two thirds of the page's database time at 20,000 people.
ACTIVITY_CACHE_SECONDS = 60


def overdue_activity(
    cohort: Cohort, *, today: datetime.date, active: dict | None = None
) -> tuple[int, list[Pairing], float]:
    """(overdue pairs, the first of them, when they were counted: a timestamp) for an active cohort,
    cached for ACTIVITY_CACHE_SECONDS: finding who has not met is the page's dearest query. The key
    holds everything that scopes them: the cohort, the date a pair is overdue since (today and the
    cadence) and which pairs are active (their number and newest id, so ending a pair early or
    publishing new ones shows at once)."""
    active = active or active_pairs_key(cohort)
    key = (
        f"cohort-overdue:v2:{cohort.pk}:{cohort.session_due_since(today).isoformat()}:"
        f"{active['n']}:{active['newest']}"
    )

    def counted():
        return (*overdue_for_session(cohort, today=today), time.time())

    return cache.get_or_set(key, counted, ACTIVITY_CACHE_SECONDS)


def active_pairs_key(cohort: Cohort) -> dict:
    """{"n": how many pairs of the cohort are active, "newest": the newest one's id}: part of the keys
    of what is cached about them, so ending a pair or publishing new ones shows at once."""
    return Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).aggregate(
        n=Count("pk"), newest=Max("pk")
    )


# The flagged pairs are counted live in effect, but not on every view: counting them probes every
# active pair's check-ins (30-50 ms of the page's database time at 20,000 people, most of it). The
# count is kept under a stamp that every write to a check-in or a resolution replaces (by signal,
# at once and again when its transaction commits), and under which pairs are active, so a new flag,
# a resolved one or an ended pair shows on the next view. Only in a cache every process shares
# (REDIS_URL, as the pair's fragments): with one per process a write could not reach the others.
FLAGS_STAMP_KEY = "cohort-flags-stamp"
FLAGS_CACHE_SECONDS = 3600


def flags_stamp() -> str:
    return cache.get_or_set(FLAGS_STAMP_KEY, lambda: uuid.uuid4().hex, FLAGS_CACHE_SECONDS)


def flags_changed(**kwargs) -> None:
    """Receiver for every save and delete of a CheckIn or a FlagResolution (DashboardsConfig.ready)."""
    cache.delete(FLAGS_STAMP_KEY)
    transaction.on_commit(lambda: cache.delete(FLAGS_STAMP_KEY))


FLAG_MODELS = (CheckIn, FlagResolution)


def flagged_count(cohort: Cohort, *, active: dict) -> int:
    """How many of the cohort's active pairs have an open flag (`flagged_pairings`, the one rule).
    `active` is the (n, newest) aggregate of the cohort's active pairs, read for the overdue key."""
    if not settings.PAIRING_FRAGMENT_SECONDS:
        return flagged_pairings(cohort).count()
    # The stamp is read before the rows it covers: what is stored under it is at least as new.
    key = f"cohort-flagged:v1:{cohort.pk}:{flags_stamp()}:{active['n']}:{active['newest']}"
    return cache.get_or_set(key, lambda: flagged_pairings(cohort).count(), FLAGS_CACHE_SECONDS)


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
    # When they were counted (a timestamp; None: not counted, the cohort is not active).
    overdue_counted_at: float | None = None

    def count(self, role: str, status: str) -> int:
        return self.counts.get(f"{role}_{status}", 0)

    def active(self, role: str) -> int:
        """Enrolled (active) people of `role`: the length of that list on the page."""
        return self.count(role, Enrolment.Status.ACTIVE)

    @property
    def not_active(self) -> int:
        """Everyone applied, waitlisted or withdrawn: the length of that list on the page."""
        return sum(self.counts.values()) - sum(self.active(role) for role in Enrolment.Role.values)

    @property
    def overdue_true_until(self) -> datetime.datetime | None:
        """The moment the overdue pairs are more than ACTIVITY_CACHE_SECONDS old (None: never)."""
        if self.overdue_counted_at is None:
            return None
        return datetime.datetime.fromtimestamp(
            self.overdue_counted_at + ACTIVITY_CACHE_SECONDS, tz=datetime.UTC
        )

    @property
    def overdue_more(self) -> int:
        """Overdue pairs beyond the ones named."""
        return self.overdue_count - len(self.overdue_pairings)


def cohort_overview(cohort: Cohort, today: datetime.date | None = None) -> Overview:
    """What the admin should know about a cohort now, in a fixed number of queries: counts in
    SQL, and only the first few names of those with an unfinished profile."""
    today = today or timezone.localdate()
    rows = list(
        cohort.enrolments.order_by()
        .values("role", "status")
        .annotate(n=Count("pk"), unfinished=Count("pk", filter=Q(profile_completed_at__isnull=True)))
    )
    counts = {f"{row['role']}_{row['status']}": row["n"] for row in rows}
    # Summed over the (at most a dozen) groups of the query above, not counted again.
    incomplete_count = sum(row["unfinished"] for row in rows if row["status"] == Enrolment.Status.ACTIVE)
    active = cohort.enrolments.filter(status=Enrolment.Status.ACTIVE)
    incomplete = active.filter(profile_completed_at__isnull=True)
    overview = Overview(
        counts=counts,
        incomplete_profiles=list(
            incomplete.select_related("person")
            .only("cohort_id", "person__full_name")
            .order_by("person__full_name", "pk")[:INCOMPLETE_NAMED]
        )
        if incomplete_count
        else [],
        incomplete_count=incomplete_count,
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
        active = active_pairs_key(cohort)
        overview.overdue_count, overview.overdue_pairings, overview.overdue_counted_at = overdue_activity(
            cohort, today=today, active=active
        )
        # Never a minute late: an admin who has just resolved a flag expects it gone (the cache's
        # stamp changes with every check-in and resolution). One rule for "flagged" everywhere: the
        # admin's flag page lists exactly these pairs.
        low = flagged_count(cohort, active=active)
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
