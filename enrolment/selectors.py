"""Reads for enrolment: what a person sees of their own enrolments, and the admin's review lists."""

from django.db.models import Exists, OuterRef, Q

from matching.models import Pairing
from people.models import Person
from programmes.models import Cohort, Enrolment

from .models import Invitation

# Cohort states in which people may still be invited, enrolled, promoted or moved in.
OPEN_STATES = (Cohort.State.DRAFT, Cohort.State.ENROLLING, Cohort.State.MATCHING)


def enrolments_for(user):
    """The user's own enrolments; the only ones a non-admin may open (others are a 404)."""
    if not user.is_authenticated:
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(person__user=user)
        .select_related("cohort__programme", "person")
        .order_by("-cohort__starts_on", "cohort__name")
    )


def in_active_pairing():
    return Exists(
        Pairing.objects.filter(
            Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")), status=Pairing.Status.ACTIVE
        )
    )


def mentee_places(cohort: Cohort) -> tuple[int, int]:
    """(places, taken): places = sum over active mentors of min(capacity, cohort limit); taken = active
    mentees. Two aggregate-free queries on small columns, so it is cheap to call before every decision."""
    limit = cohort.max_mentees_per_mentor
    capacities = (
        Enrolment.objects.filter(cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.ACTIVE)
        .order_by()
        .values_list("capacity", flat=True)
    )
    places = sum(min(c, limit) for c in capacities)
    taken = Enrolment.objects.filter(
        cohort=cohort, role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE
    ).count()
    return places, taken


def mentor_applications(cohort: Cohort):
    return (
        Enrolment.objects.filter(cohort=cohort, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
        .select_related("person__team")
        .prefetch_related("person__skills")
        .order_by("enrolled_at", "pk")
    )


def waitlist(cohort: Cohort):
    """Waitlisted mentees, first come first served."""
    return (
        Enrolment.objects.filter(
            cohort=cohort, role=Enrolment.Role.MENTEE, status=Enrolment.Status.WAITLISTED
        )
        .select_related("person__team")
        .order_by("enrolled_at", "pk")
    )


def cohort_enrolments_for_review(cohort: Cohort):
    """Everyone still in the cohort, with whether they are in an active pairing (withdraw/move need it)."""
    return (
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status__in=(Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED))
        .select_related("person__team")
        .annotate(paired=in_active_pairing())
        .order_by("role", "person__full_name")
    )


def cohort_invitations(cohort: Cohort):
    return (
        Invitation.objects.filter(cohort=cohort)
        .select_related("person", "invited_by")
        .order_by("-created_at")
    )


def invitable_people(cohort: Cohort, query: str = ""):
    """People with an email who have not left, are not invited to and not (still) enrolled in the cohort."""
    people = (
        Person.objects.exclude(email="")
        .filter(leave_date__isnull=True)
        .exclude(
            enrolments__in=Enrolment.objects.filter(cohort=cohort).exclude(status=Enrolment.Status.WITHDRAWN)
        )
        .exclude(email__in=Invitation.objects.filter(cohort=cohort).values("email"))
        .select_related("team")
        .order_by("full_name")
    )
    query = query.strip()
    if query:
        people = people.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query) | Q(team__name__icontains=query)
        )
    return people


def move_targets(enrolment: Enrolment):
    """Other cohorts of the same programme that still take people."""
    return (
        Cohort.objects.filter(programme_id=enrolment.cohort.programme_id, state__in=OPEN_STATES)
        .exclude(pk=enrolment.cohort_id)
        .select_related("programme")
        .order_by("starts_on", "name")
    )
