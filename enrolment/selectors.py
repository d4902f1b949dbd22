"""Reads for enrolment: what a person sees of their own enrolments, and the admin's review lists."""

from django.db.models import Count, Exists, OuterRef, Q

from matching.models import Pairing
from people.models import Person
from programmes.models import Cohort, Enrolment, Invitation


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


def mentees_taken(mentor: Enrolment) -> int:
    """Mentees a mentor has now: their active pairings (an accepted request is one at once)."""
    return Pairing.objects.filter(mentor=mentor, status=Pairing.Status.ACTIVE).count()


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
        .select_related("person__team", "person__user")
        .annotate(
            paired=in_active_pairing(),
            # The same count as mentees_taken, for every mentor at once.
            mentees_taken=Count(
                "pairings_as_mentor", filter=Q(pairings_as_mentor__status=Pairing.Status.ACTIVE)
            ),
        )
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
        Cohort.objects.filter(programme_id=enrolment.cohort.programme_id, state__in=Cohort.ENROLMENT_STATES)
        .exclude(pk=enrolment.cohort_id)
        .select_related("programme")
        .order_by("starts_on", "name")
    )
