"""Reads for the pair's workspace. Every query starts from what the user may see."""

from django.db.models import Count, Max, Q

from matching.models import Pairing
from people.roles import person_of

from .models import Goal, MentoringSession


def pairings_for(user):
    """Pairings the user is a member of (mentor or mentee), published ones only."""
    person = person_of(user)
    if person is None:
        return Pairing.objects.none()
    return (
        Pairing.objects.filter(Q(mentor__person=person) | Q(mentee__person=person))
        .exclude(status=Pairing.Status.PROPOSED)
        .select_related("cohort__programme", "mentor__person__team", "mentee__person__team")
    )


def pairing_list_for(user):
    return (
        pairings_for(user)
        .annotate(
            session_count=Count("sessions", distinct=True),
            last_session_on=Max("sessions__held_on"),
            open_goal_count=Count(
                "goals",
                filter=Q(goals__status__in=[Goal.Status.ON_TRACK, Goal.Status.AT_RISK]),
                distinct=True,
            ),
        )
        .order_by("status", "-started_on", "pk")
    )


def pairing_workspace(pairing: Pairing) -> dict:
    sessions = list(pairing.sessions.select_related("logged_by"))
    goals = list(pairing.goals.all())
    ratings = [s.rating for s in sessions if s.rating is not None]
    return {
        "sessions": sessions,
        "goals": goals,
        "average_rating": sum(ratings) / len(ratings) if ratings else None,
        "last_session_on": sessions[0].held_on if sessions else None,
    }


def sessions_for(user):
    return MentoringSession.objects.filter(pairing__in=pairings_for(user))
