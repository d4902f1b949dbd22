"""Reads for the pair's workspace. Every query starts from what the user may see."""

from django.db.models import Avg, Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from matching.models import Pairing
from people.roles import person_of
from programmes.models import Enrolment

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
    enrolments = list(Enrolment.objects.filter(person=person).values_list("pk", flat=True))
    return (
        Pairing.objects.filter(Q(mentor__in=enrolments) | Q(mentee__in=enrolments))
        .exclude(status=Pairing.Status.PROPOSED)
        .select_related("cohort__programme", "mentor__person__team", "mentee__person__team")
    )


def _count(queryset):
    """A correlated COUNT(*) as an annotation: unlike Count() over joins, several of these on one
    query do not multiply each other's rows."""
    counted = queryset.order_by().values("pairing").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def pairing_list_for(user):
    """The user's pairings with what needs doing in each, in one query: open action items,
    sessions the other side has not confirmed, the next planned session, and whether the user's
    own latest check-in was flagged. (Overdue for a session: `Pairing.is_overdue_for_session`
    on `last_session_on`.)"""
    person = person_of(user)
    newest_own = CheckIn.objects.filter(pairing=OuterRef(OuterRef("pk")), person=person).order_by(
        "-created_at", "-pk"
    )
    return (
        pairings_for(user)
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
        .order_by("status", "-started_on", "pk")
    )


def _goal_progress(goal: Goal) -> int | None:
    """Percent of the way from baseline to target of the latest update (None without one)."""
    if goal.latest_value is None:
        return None
    span = goal.target - goal.baseline
    return max(0, min(100, round((goal.latest_value - goal.baseline) / span * 100)))


def pairing_workspace(pairing: Pairing, *, person, timeline_size: int = TIMELINE_STEP) -> dict:
    """Everything the workspace page shows, in a fixed number of queries whatever the history:
    aggregates in SQL, lists capped. Never private notes; of check-ins, only `person`'s own."""
    now = timezone.now()
    timeline_size = max(TIMELINE_STEP, min(timeline_size, TIMELINE_MAX))
    stats = pairing.sessions.aggregate(
        average_rating=Avg("rating"), last_session_on=Max("held_on"), session_count=Count("pk")
    )
    next_session = (
        pairing.scheduled_sessions.filter(cancelled_at__isnull=True, starts_at__gte=now)
        .order_by("starts_at")
        .first()
    )
    open_action_items = list(pairing.action_items.filter(done_at__isnull=True).select_related("owner"))
    latest_update = GoalUpdate.objects.filter(goal=OuterRef("pk")).order_by("-created_at", "-pk")
    goals = list(pairing.goals.annotate(latest_value=Subquery(latest_update.values("value")[:1])))
    for goal in goals:
        goal.progress = _goal_progress(goal)

    # Each source fetches one more than it could show, so "show more" knows whether there is more.
    limit = timeline_size + 1
    entries = [
        ("session", s.held_on, s.logged_at, s)
        for s in pairing.sessions.select_related("logged_by").order_by("-held_on", "-pk")[:limit]
    ]
    entries += [
        ("goal_update", u.created_at.date(), u.created_at, u)
        for u in GoalUpdate.objects.filter(goal__pairing=pairing)
        .select_related("goal", "created_by")
        .order_by("-created_at", "-pk")[:limit]
    ]
    entries += [
        ("check_in", c.created_at.date(), c.created_at, c)
        for c in CheckIn.objects.filter(pairing=pairing, person=person).order_by("-created_at", "-pk")[:limit]
    ]
    entries.sort(key=lambda e: (e[1], e[2]), reverse=True)
    timeline = [{"kind": kind, "date": day, "item": item} for kind, day, _, item in entries]
    return {
        **stats,
        "next_session": next_session,
        "open_action_items": open_action_items,
        "goals": goals,
        "timeline": timeline[:timeline_size],
        "timeline_more": timeline_size + TIMELINE_STEP
        if len(timeline) > timeline_size and timeline_size < TIMELINE_MAX
        else None,
    }
