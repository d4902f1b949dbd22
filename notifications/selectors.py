"""Reads for the notifications page: a person's own notifications, never anyone else's."""

from django.db.models import OuterRef, QuerySet, Subquery

from people.models import Person

from .models import Broadcast, Notification


def notifications_for(person: Person | None) -> QuerySet[Notification]:
    """`person`'s notifications, newest first (nobody's for a login without a person)."""
    if person is None:
        return Notification.objects.none()
    return Notification.objects.filter(person=person).select_related("actor").order_by("-created_at", "-id")


def with_recipient_time_zone(messages: QuerySet) -> QuerySet:
    """Outbox messages with the time zone of the person each was for (`recipient_time_zone`), found
    through the notification of the same key (unique, so one index lookup a row); None for emails
    recorded without a notification (account emails)."""
    zone = Notification.objects.filter(key=OuterRef("key")).values("person__time_zone")[:1]
    return messages.annotate(recipient_time_zone=Subquery(zone))


# Broadcasts shown on a cohort's message log: those still telling or failed, and the latest done.
BROADCASTS_SHOWN = 5


def broadcasts_of_cohort(cohort_id: int) -> list[Broadcast]:
    """The cohort's latest broadcasts, newest first (one query): what the admin sees as "Telling
    1,000 people…" until it is done."""
    return list(
        Broadcast.objects.filter(cohort_id=cohort_id).order_by("-created_at", "-id")[:BROADCASTS_SHOWN]
    )
