"""Reads for the notifications page: a person's own notifications, never anyone else's."""

from django.db.models import QuerySet

from people.models import Person

from .models import Notification


def notifications_for(person: Person | None) -> QuerySet[Notification]:
    """`person`'s notifications, newest first (nobody's for a login without a person)."""
    if person is None:
        return Notification.objects.none()
    return Notification.objects.filter(person=person).select_related("actor").order_by("-created_at", "-id")
