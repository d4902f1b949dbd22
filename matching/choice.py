"""Mentee-choice emails: one per transition of a request (asked, accepted, declined, closed),
recorded in the outbox by `matching.services` in the transaction that made the transition, and sent
after commit by the outbox's worker."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from outbox.services import email_enqueue

from .models import MentorRequest, Pairing
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
