"""Reads for programme admins."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Cohort, Enrolment, Programme


def programme_list():
    return Programme.objects.annotate(
        cohort_count=Count("cohorts", distinct=True),
        active_cohort_count=Count("cohorts", filter=Q(cohorts__state=Cohort.State.ACTIVE), distinct=True),
    ).order_by("name")


def cohort_list(programme: Programme | None = None):
    cohorts = Cohort.objects.select_related("programme").order_by("-starts_on", "name")
    if programme is not None:
        cohorts = cohorts.filter(programme=programme)
    return cohorts.annotate(
        mentor_count=Count(
            "enrolments",
            filter=Q(enrolments__role=Enrolment.Role.MENTOR, enrolments__status=Enrolment.Status.ACTIVE),
        ),
        mentee_count=Count(
            "enrolments",
            filter=Q(enrolments__role=Enrolment.Role.MENTEE, enrolments__status=Enrolment.Status.ACTIVE),
        ),
    )
