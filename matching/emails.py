"""Matching's emails, recorded in the outbox by `matching.services` in the transaction of the change
that owes them and sent after commit by the outbox's worker: the pairs of a published run, and one
email per transition of a mentee-choice request (asked, accepted, declined, closed)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from outbox.services import OwedEmail, email_enqueue, emails_enqueue

from .models import MatchRun, MentorRequest, Pairing
from .scoring import reasons_to_share

# Who hears of each transition: the mentor of a request, the mentee of every decision.
KINDS = ("requested", "accepted", "declined", "closed")


def mentor_request_email_owe(*, mentor_request: MentorRequest, kind: str, note: str = "") -> None:
    """Record the email for one transition of one request. Keyed by request and transition: each
    transition happens once (a status check under a row lock), and a repeat records nothing new, so a
    decision is emailed once."""
    assert kind in KINDS, kind
    mentor_request = MentorRequest.objects.select_related(
        "cohort__programme", "mentee__person", "mentor__person"
    ).get(pk=mentor_request.pk)
    to_mentor = kind == "requested"
    recipient = (mentor_request.mentor if to_mentor else mentor_request.mentee).person
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
    email_enqueue(
        key=f"mentor-request:{mentor_request.pk}:{kind}",
        template=f"mentor_request_{kind}",
        context={
            "request": mentor_request,
            "cohort": mentor_request.cohort,
            "recipient": recipient,
            "mentor": mentor_request.mentor.person,
            "mentee": mentor_request.mentee.person,
            "goals": mentor_request.mentee.goals,
            "reasons": reasons_to_share(mentor_request.explanation),
            "note": note,
            "url": settings.SITE_URL + link,
        },
        to=recipient.email,
        cohort_id=mentor_request.cohort_id,
    )


def match_run_emails_owe(*, run: MatchRun) -> None:
    """Record the emails of a run being published: each mentee their mentor and why, each mentor
    their mentees. Keyed by pairing and by mentor within the run, so publishing records them once;
    written in bulk (a fixed number of queries), since a run can hold thousands of pairs."""
    pairings = list(
        Pairing.objects.filter(match_run=run)
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .order_by("mentee__person__full_name", "pk")
    )
    owed = []
    by_mentor: dict[int, list[Pairing]] = {}
    for pairing in pairings:
        by_mentor.setdefault(pairing.mentor_id, []).append(pairing)
        person = pairing.mentee.person
        owed.append(
            OwedEmail(
                key=f"match-published:pairing:{pairing.pk}:mentee",
                template="match_published_mentee",
                context={
                    "recipient": person,
                    "mentor": pairing.mentor.person,
                    "pairing": pairing,
                    # Only what the pair really share: placeholders ("not known yet") stay with the admin.
                    "reasons": reasons_to_share(pairing.explanation),
                    "cohort": pairing.cohort,
                    "pairing_url": settings.SITE_URL + pairing.get_absolute_url(),
                },
                to=person.email,
                cohort_id=pairing.cohort_id,
            )
        )
    for mentor_id, mentor_pairings in by_mentor.items():
        person = mentor_pairings[0].mentor.person
        owed.append(
            OwedEmail(
                key=f"match-published:run:{run.pk}:mentor:{mentor_id}",
                template="match_published_mentor",
                context={
                    "recipient": person,
                    "pairings": [
                        {
                            "pairing": p,
                            "reasons": reasons_to_share(p.explanation),
                            "url": settings.SITE_URL + p.get_absolute_url(),
                        }
                        for p in mentor_pairings
                    ],
                    "cohort": mentor_pairings[0].cohort,
                },
                to=person.email,
                cohort_id=mentor_pairings[0].cohort_id,
            )
        )
    emails_enqueue(owed)
