"""Reads for the pair's workspace. Every query starts from what the user may see."""

import functools

from django.db.models import Avg, Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from matching import stamps
from matching.models import Pairing
from mentorship.prepared import PreparedQuery
from people.roles import person_of
from programmes.models import Enrolment

from . import fragments
from .models import ActionItem, CheckIn, Goal, GoalUpdate, MentoringSession, ScheduledSession

# How many timeline entries the workspace shows at first, and how many more each "show more" adds.
TIMELINE_STEP = 30
TIMELINE_MAX = 600


def pairings_for(user):
    """Pairings the user is a member of (mentor or mentee), published ones only."""
    person = person_of(user)
    if person is None:
        return Pairing.objects.none()
    # Through the person's enrolment ids (a few), not an OR across two joins: the planner then
    # reads the mentor and mentee indexes instead of joining every pairing to its enrolments
    # (with the ids as a subquery it still guessed thousands of rows and hashed them all).
    enrolments = list(Enrolment.objects.filter(person=person).order_by().values_list("pk", flat=True))
    return _published(Pairing.objects.filter(Q(mentor__in=enrolments) | Q(mentee__in=enrolments)))


def pairing_for(user, pk):
    """The one pairing `pk` if the user is a member (an empty queryset otherwise), in one query:
    found by its id first, the membership is a check on the joined rows, not a search. With its
    cohort and both people; the workspace adds what only it shows (`WORKSPACE_RELATED`): each
    join PostgreSQL plans costs every page of the pair. Pages ask `own_pairing_of`, the same
    query compiled once."""
    person = person_of(user)
    if person is None:
        return Pairing.objects.none()
    return _pairing_of_person(person.pk, pk, related=())


# The cohort's programme (the cohort's name says it) and the partner's team.
WORKSPACE_RELATED = ("cohort__programme", "mentor__person__team", "mentee__person__team")


def _pairing_of_person(person_id, pk, related):
    pairings = Pairing.objects.filter(Q(mentor__person=person_id) | Q(mentee__person=person_id), pk=pk)
    pairings = pairings.exclude(status=Pairing.Status.PROPOSED)
    return pairings.select_related("cohort", "mentor__person", "mentee__person", *related)


_STAND_INS = (-1_987_654_321, -1_987_654_322)  # a person's id and a pairing's (mentorship/prepared.py)
_prepared_pairings = {
    related: PreparedQuery(functools.partial(_pairing_of_person, related=related), stand_ins=_STAND_INS)
    for related in ((), WORKSPACE_RELATED)
}


def own_pairing_of(user, pk: int, *, related=()) -> Pairing | None:
    """What `pairing_for` finds, or None: compiled once per process, since every page of a pair
    asks it first (with `related` () or WORKSPACE_RELATED)."""
    person = person_of(user)
    if person is None:
        return None
    found = _prepared_pairings[tuple(related)](person.pk, pk)
    return found[0] if found else None


def _published(pairings):
    return pairings.exclude(status=Pairing.Status.PROPOSED).select_related(
        "cohort__programme", "mentor__person__team", "mentee__person__team"
    )


def pairings_listed_for(user) -> list:
    """The user's pairings in the order of their list, with the rows the list shows beside its
    counts (cohort, both people): what a kept list is checked against (sessions/pages.py). The
    same rows as `pairings_for`, its two queries compiled once per process (per number of the
    person's enrolments, since each is a value of the IN list)."""
    person = person_of(user)
    if person is None:
        return []
    enrolments = [enrolment.pk for enrolment in _prepared_enrolments(person.pk)]
    if not enrolments:
        return []
    count = len(enrolments)
    if count not in _prepared_listed:
        stand_ins = tuple(-1_987_654_321 - n for n in range(count))
        _prepared_listed[count] = PreparedQuery(_listed, stand_ins=stand_ins)
    return _prepared_listed[count](*enrolments)


def _listed(*enrolments):
    pairings = _published(Pairing.objects.filter(Q(mentor__in=enrolments) | Q(mentee__in=enrolments)))
    return (
        pairings.select_related(None)
        .select_related("cohort", "mentor__person", "mentee__person")
        .order_by(*PAIRING_LIST_ORDER)
    )


_prepared_enrolments = PreparedQuery(
    lambda person_id: Enrolment.objects.filter(person=person_id).order_by().only("pk"),
    stand_ins=(-1_987_654_321,),
)
_prepared_listed: dict[int, PreparedQuery] = {}
PAIRING_LIST_ORDER = ("status", "-started_on", "pk")


def _count(queryset):
    """A correlated COUNT(*) as an annotation: unlike Count() over joins, several of these on one
    query do not multiply each other's rows."""
    counted = queryset.order_by().values("pairing").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pairing_list_for(user, *, among=None):
    """The user's pairings with what needs doing in each, in one query: open action items,
    sessions the other side has not confirmed, the next planned session, and whether the user's
    own latest check-in was flagged. (Overdue for a session: `Pairing.is_overdue_for_session`
    on `last_session_on`.) `among`: only these of the user's pairings (from `pairings_listed_for`,
    a page of them), found by id without looking up the user's enrolments again."""
    person = person_of(user)
    newest_own = CheckIn.objects.filter(pairing=OuterRef(OuterRef("pk")), person=person).order_by(
        "-created_at", "-pk"
    )
    pairings = (
        pairings_for(user)
        if among is None
        else _published(Pairing.objects.filter(pk__in=[p.pk for p in among]))
    )
    return (
        pairings
        # Only what the list shows: PostgreSQL spent 5 ms planning the eight joins of the workspace's
        # select_related beside these subqueries, against under 1 ms for these four.
        .select_related(None)
        .select_related("cohort", "mentor__person", "mentee__person")
        .annotate(
            session_count=_count(MentoringSession.objects.filter(pairing=OuterRef("pk"))),
            last_session_on=Subquery(
                MentoringSession.objects.filter(pairing=OuterRef("pk"))
                .order_by("-held_on")
                .values("held_on")[:1]
            ),
            open_goal_count=_count(
                Goal.objects.filter(
                    pairing=OuterRef("pk"), status__in=[Goal.Status.ON_TRACK, Goal.Status.AT_RISK]
                )
            ),
            open_action_count=_count(ActionItem.objects.filter(pairing=OuterRef("pk"), done_at__isnull=True)),
            unconfirmed_count=_count(
                MentoringSession.objects.filter(pairing=OuterRef("pk"), confirmed_at__isnull=True)
            ),
            next_session_at=Subquery(
                ScheduledSession.objects.filter(
                    pairing=OuterRef("pk"), cancelled_at__isnull=True, starts_at__gte=timezone.now()
                )
                .order_by("starts_at")
                .values("starts_at")[:1]
            ),
            own_checkin_flagged=Exists(
                CheckIn.objects.filter(pairing=OuterRef("pk"), person=person)
                .filter(pk=Subquery(newest_own.values("pk")[:1]))
                .filter(CheckIn.OPEN_FLAG)
            ),
        )
        .order_by(*PAIRING_LIST_ORDER)
    )


def _goal_progress(goal: Goal) -> int | None:
    """Percent of the way from baseline to target of the latest update (None without one)."""
    if goal.latest_value is None:
        return None
    span = goal.target - goal.baseline
    return max(0, min(100, round((goal.latest_value - goal.baseline) / span * 100)))


def pairing_workspace(pairing: Pairing, *, person, timeline_size: int = TIMELINE_STEP) -> dict:
    """Everything the workspace page shows, in a fixed number of queries whatever the history:
    aggregates in SQL, lists capped. Never private notes; of check-ins, only `person`'s own.
    `history` (goals and timeline) is read only if the page's cached rendering of it is missing."""
    now = timezone.now()
    next_session = (
        pairing.scheduled_sessions.filter(cancelled_at__isnull=True, starts_at__gte=now)
        .order_by("starts_at")
        .first()
    )
    open_action_items = list(pairing.action_items.filter(done_at__isnull=True).select_related("owner"))
    return {
        "next_session": next_session,
        "open_action_items": open_action_items,
        "history": PairingHistory(pairing, person=person, timeline_size=timeline_size),
    }


class PairingHistory:
    """The workspace's goals and timeline, read from the database only when asked for."""

    TEMPLATE = "sessions/_pairing_history.html"

    def __init__(self, pairing: Pairing, *, person, timeline_size: int):
        self.pairing = pairing
        self.person = person
        self.timeline_size = max(TIMELINE_STEP, min(timeline_size, TIMELINE_MAX))
        # Before any row it covers is read (matching/stamps.py).
        self.stamp = stamps.stamp(pairing.pk)

    @property
    def cache_seconds(self) -> int:
        return fragments.fragment_seconds()

    @property
    def cache_key(self) -> str:
        """Everything the rendering depends on besides the rows the stamp covers: who is looking
        (their own check-ins, which sessions they may confirm), the day (overdue goals), the
        language, how much timeline, the pairing's state and the two people's names."""
        return "|".join(
            str(part)
            for part in (
                self.pairing.pk,
                self.stamp,
                self.person.pk,
                timezone.localdate(),
                get_language(),
                self.timeline_size,
                self.pairing.is_active,
                self.pairing.mentor.person.full_name,
                self.pairing.mentee.person.full_name,
                fragments.template_digest(self.TEMPLATE),
            )
        )

    @cached_property
    def stats(self) -> dict:
        return self.pairing.sessions.aggregate(
            average_rating=Avg("rating"), last_session_on=Max("held_on"), session_count=Count("pk")
        )

    @cached_property
    def goals(self) -> list:
        latest_update = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
        goals = list(self.pairing.goals.annotate(latest_value=Subquery(latest_update.values("value")[:1])))
        for goal in goals:
            goal.progress = _goal_progress(goal)
        return goals

    @cached_property
    def _entries(self) -> list[dict]:
        # Each source fetches one more than it could show, so "show more" knows whether there is more.
        pairing, limit = self.pairing, self.timeline_size + 1
        entries = [
            ("session", s.held_on, s.logged_at, s)
            for s in pairing.sessions.order_by("-held_on", "-pk")[:limit]
        ]
        entries += [
            ("goal_update", u.created_at.date(), u.created_at, u)
            for u in GoalUpdate.objects.filter(goal__pairing=pairing)
            .select_related("goal", "created_by")
            .order_by("-created_at", "-pk")[:limit]
        ]
        entries += [
            ("check_in", c.created_at.date(), c.created_at, c)
            for c in CheckIn.objects.filter(pairing=pairing, person=self.person).order_by(
                "-created_at", "-pk"
            )[:limit]
        ]
        entries.sort(key=lambda e: (e[1], e[2]), reverse=True)
        return [{"kind": kind, "date": day, "item": item} for kind, day, _, item in entries]

    @property
    def timeline(self) -> list[dict]:
        return self._entries[: self.timeline_size]

    @property
    def timeline_more(self) -> int | None:
        if len(self._entries) > self.timeline_size and self.timeline_size < TIMELINE_MAX:
            return self.timeline_size + TIMELINE_STEP
        return None
