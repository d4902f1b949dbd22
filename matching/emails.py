"""Matching's messages, owed through notifications.notify in the transaction of the change that owes
them: the pairs of a published run, and one message per transition of a mentee-choice request
(asked, accepted, declined, closed). Each has an in-app notification and an email, once per key."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from django.db.models import Count
from django.urls import reverse

from notifications import links
from notifications.broadcasts import broadcast_owe, keyset_chunks, source
from notifications.models import Broadcast
from notifications.services import OwedNotice, notify, notify_many
from programmes.models import Enrolment
from programmes.notices import activations_once, actor_of

from .models import MatchRun, MentorRequest, Pairing
from .scoring import reasons_to_share

# Who hears of each transition: the mentor of a request, the mentee of every decision.
KINDS = ("requested", "accepted", "declined", "closed")


def mentor_request_email_owe(*, mentor_request: MentorRequest, kind: str, note: str = "", by=None) -> None:
    """Tell the person one transition of one request concerns. Keyed by request and transition:
    each transition happens once (a status check under a row lock), and a repeat records nothing
    new, so a decision is told once."""
    assert kind in KINDS, kind
    mentor_request = MentorRequest.objects.select_related(
        "cohort__programme", "mentee__person__user", "mentor__person__user"
    ).get(pk=mentor_request.pk)
    to_mentor = kind == "requested"
    mentor, mentee = mentor_request.mentor.person, mentor_request.mentee.person
    recipient = mentor if to_mentor else mentee
    if to_mentor:
        link = reverse("choice:requests")
    elif kind == "accepted":
        pairing = (
            Pairing.objects.filter(
                cohort=mentor_request.cohort, mentee=mentor_request.mentee, status=Pairing.Status.ACTIVE
            )
            .only("pk")
            .first()
        )
        link = pairing.get_absolute_url() if pairing else reverse("home")
    else:
        link = reverse("choice:suggestions", args=[mentor_request.mentee_id])
    cohort = mentor_request.cohort
    notify(
        kind="mentor_request",
        person=recipient,
        key=f"mentor-request:{mentor_request.pk}:{kind}",
        context={
            "moment": kind,
            "request": mentor_request,
            "cohort": cohort,
            "programme": cohort.programme,
            "mentor": mentor,
            "mentee": mentee,
            "goals": mentor_request.mentee.goals,
            "reasons": reasons_to_share(mentor_request.explanation),
            "note": note,
        },
        url=link,
        # The mentee asks, the mentor decides; a closure is nobody's doing.
        actor=actor_of(by) or {"requested": mentee, "accepted": mentor, "declined": mentor}.get(kind),
        programme_id=cohort.programme_id,
        cohort_id=cohort.pk,
    )


def match_run_emails_owe(*, run: MatchRun, by=None) -> None:
    """Tell the people of a published run: each mentee their mentor and why, each mentor their
    mentees. Keyed by pairing and by mentor within the run, so publishing tells them once.

    A cohort's run can hold thousands of pairs: it is owed as a broadcast in the publishing
    transaction (a fixed few queries) and told after commit, a chunk at a time
    (`match_run_notices`). A re-match (one pair after an ended one) is told at once."""
    actor = actor_of(by)
    if run.kind == MatchRun.Kind.SINGLE:
        pairings = list(_run_pairings(run))
        notify_many(_with_activations(_notices(run, pairings, _by_mentor(pairings), actor=actor)))
        return
    counted = Pairing.objects.filter(match_run=run).aggregate(
        mentees=Count("pk"), mentors=Count("mentor", distinct=True)
    )
    broadcast_owe(
        kind="match_published",
        key=f"match-published:run:{run.pk}",
        cohort_id=run.cohort_id,
        subject_id=run.pk,
        people=counted["mentees"] + counted["mentors"],
        actor=actor,
    )


@source("match_published")
def match_run_notices(broadcast: Broadcast) -> Iterator[list[OwedNotice]]:
    """The published run's people a chunk at a time: the mentees by pairing, then the mentors, each
    with all their pairings of the run. Whoever cannot log in finds their activation link in this
    message, which leads to their pair's workspace."""
    run = MatchRun.objects.get(pk=broadcast.subject_id)
    for pairings in keyset_chunks(_run_pairings(run)):
        yield _with_activations(_notices(run, pairings, {}, actor=broadcast.actor))
    mentors = Enrolment.objects.filter(pk__in=Pairing.objects.filter(match_run=run).values("mentor_id"))
    for chunk in keyset_chunks(mentors.only("pk")):
        pairings = list(_run_pairings(run).filter(mentor__in=[m.pk for m in chunk]))
        yield _with_activations(_notices(run, [], _by_mentor(pairings), actor=broadcast.actor))


def _run_pairings(run: MatchRun):
    return (
        Pairing.objects.filter(match_run=run)
        .select_related("cohort__programme", "mentor__person__user", "mentee__person__user")
        .order_by("pk")
    )


def _by_mentor(pairings: list[Pairing]) -> dict[int, list[Pairing]]:
    by_mentor: dict[int, list[Pairing]] = {}
    for pairing in pairings:
        by_mentor.setdefault(pairing.mentor_id, []).append(pairing)
    return by_mentor


def _with_activations(owed: list[OwedNotice]) -> list[OwedNotice]:
    links_for = activations_once("match_published", [(n.person, n.key, n.url) for n in owed])
    return [dataclasses.replace(n, context={**n.context, "activation": links_for.get(n.key)}) for n in owed]


def _notices(
    run: MatchRun, mentees_of: list[Pairing], by_mentor: dict[int, list[Pairing]], *, actor
) -> list[OwedNotice]:
    """The notices for the mentees of `mentees_of` and for the mentors of `by_mentor`."""
    # A re-match (one pair after an ended one) is news of a new mentor, not of the cohort's pairs.
    rematch = run.kind == MatchRun.Kind.SINGLE
    owed = []
    for pairing in mentees_of:
        owed.append(
            OwedNotice(
                kind="match_published",
                person=pairing.mentee.person,
                key=f"match-published:pairing:{pairing.pk}:mentee",
                context={
                    "role": "mentee",
                    "rematch": rematch,
                    "mentor": pairing.mentor.person,
                    "pairing": pairing,
                    # Only what the pair really share: placeholders ("not known yet") stay with the admin.
                    "reasons": reasons_to_share(pairing.explanation),
                    "cohort": pairing.cohort,
                    "programme": pairing.cohort.programme,
                },
                url=pairing.get_absolute_url(),
                actor=actor,
                programme_id=pairing.cohort.programme_id,
                cohort_id=pairing.cohort_id,
            )
        )
    for mentor_id, mentor_pairings in by_mentor.items():
        if len(mentor_pairings) == 1:
            url = mentor_pairings[0].get_absolute_url()
        else:
            url = reverse("mentoring_sessions:pairing-list")
        cohort = mentor_pairings[0].cohort
        owed.append(
            OwedNotice(
                kind="match_published",
                person=mentor_pairings[0].mentor.person,
                key=f"match-published:run:{run.pk}:mentor:{mentor_id}",
                context={
                    "role": "mentor",
                    "rematch": rematch,
                    "pairings": [
                        {
                            "pairing": p,
                            "mentee": p.mentee.person,
                            "reasons": reasons_to_share(p.explanation),
                            "url": links.absolute(p.get_absolute_url()),
                        }
                        for p in mentor_pairings
                    ],
                    "cohort": cohort,
                    "programme": cohort.programme,
                },
                url=url,
                actor=actor,
                programme_id=cohort.programme_id,
                cohort_id=cohort.pk,
            )
        )
    return owed
