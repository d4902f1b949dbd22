"""Reads for programme admins."""

from django.db.models import Count, Q

from matching.models import MatchRun, Pairing

from .models import Cohort, Enrolment


def cohort_list():
    return (
        Cohort.objects.select_related("programme")
        .order_by("-starts_on", "name")
        .annotate(
            mentor_count=Count("enrolments", filter=Q(enrolments__role=Enrolment.Role.MENTOR)),
            mentee_count=Count("enrolments", filter=Q(enrolments__role=Enrolment.Role.MENTEE)),
        )
    )


def cohort_enrolments(cohort: Cohort):
    """Enrolments with the active pairing (if any) each takes part in, in two queries."""
    enrolments = list(cohort.enrolments.select_related("person__team"))
    active = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).select_related(
        "mentor__person", "mentee__person"
    )
    partners: dict[int, list[str]] = {}
    for pairing in active:
        partners.setdefault(pairing.mentee_id, []).append(pairing.mentor.person.full_name)
        partners.setdefault(pairing.mentor_id, []).append(pairing.mentee.person.full_name)
    for enrolment in enrolments:
        enrolment.partners = partners.get(enrolment.pk, [])
    return enrolments


def cohort_match_runs(cohort: Cohort):
    return MatchRun.objects.filter(cohort=cohort).annotate(pair_count=Count("pairings"))
