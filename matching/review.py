"""Telling both sides of a published run who they were paired with: the run's emails, claimed once
by `notified_at` and sent by a Celery worker (`matching.tasks.notify_published`)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from mentorship.emails import send_templated_email

from .models import MatchRun, Pairing
from .scoring import reasons_to_share

# --- telling people -------------------------------------------------------------------------------


def match_run_notify(*, run_id: int) -> int:
    """Email everyone in a published run once: each mentor their mentees, each mentee their mentor
    and why. Returns the number of emails sent.

    The claim is per run (`notified_at` set on a PUBLISHED run) and commits before the first
    email, so a retried or duplicated task sends nothing. Trade-off: delivery is at most once; if
    the worker dies halfway, the rest are not sent (they can read their pairing in the app). A
    second welcome email to the whole cohort was judged the worse error, and the model has no
    per-pairing field to claim on.
    """
    claimed = MatchRun.objects.filter(
        pk=run_id, status=MatchRun.Status.PUBLISHED, notified_at__isnull=True
    ).update(notified_at=timezone.now())
    if not claimed:
        return 0
    pairings = list(
        Pairing.objects.filter(match_run_id=run_id)
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .order_by("mentee__person__full_name", "pk")
    )
    by_mentor: dict[int, list[Pairing]] = {}
    for pairing in pairings:
        by_mentor.setdefault(pairing.mentor_id, []).append(pairing)

    sent = 0
    for pairing in pairings:
        person = pairing.mentee.person
        if person.email:
            sent += send_templated_email(
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
                to=[person.email],
            )
    for mentor_pairings in by_mentor.values():
        person = mentor_pairings[0].mentor.person
        if person.email:
            sent += send_templated_email(
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
                to=[person.email],
            )
    return sent
