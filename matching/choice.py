"""Mentee-choice emails: one per transition of a request (asked, accepted, declined, closed),
queued by `matching.services` in the transaction that made the transition and sent after commit."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from mentorship.emails import send_templated_email

from .models import MentorRequest, Pairing
from .scoring import reasons_to_share

# --- email ---------------------------------------------------------------------------------------

# Which status each email announces; the task sends nothing if the request has moved on.
EMAIL_STATUS = {
    "requested": MentorRequest.Status.REQUESTED,
    "accepted": MentorRequest.Status.ACCEPTED,
    "declined": MentorRequest.Status.DECLINED,
    "closed": MentorRequest.Status.CLOSED,
}


def notify(mentor_request_id: int, kind: str, note: str = "") -> None:
    # After commit, so the worker finds the row, and only for a transition that really happened:
    # each transition above runs once (a status check under a row lock), so each email is queued once.
    transaction.on_commit(lambda: send_mentor_request_email.delay(mentor_request_id, kind, note))


def mentor_request_email(*, mentor_request_id: int, kind: str, note: str = "") -> bool:
    """Send the email for one transition of one request. Returns False if the request is no longer in
    the state the email announces (withdrawn before the worker ran, say)."""
    mentor_request = (
        MentorRequest.objects.select_related("cohort__programme", "mentee__person", "mentor__person")
        .filter(pk=mentor_request_id)
        .first()
    )
    if mentor_request is None or mentor_request.status != EMAIL_STATUS[kind]:
        return False
    to_mentor = kind == "requested"
    recipient = (mentor_request.mentor if to_mentor else mentor_request.mentee).person
    if not recipient.email:
        return False
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
    send_templated_email(
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
        to=[recipient.email],
    )
    return True


@shared_task(name="matching.choice.send_mentor_request_email")
def send_mentor_request_email(mentor_request_id: int, kind: str, note: str = "") -> bool:
    return mentor_request_email(mentor_request_id=mentor_request_id, kind=kind, note=note)
