"""Reads for the notifications page: a person's own notifications, never anyone else's."""

from django.db.models import OuterRef, QuerySet, Subquery

from people.models import Person

from .models import Notification


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
