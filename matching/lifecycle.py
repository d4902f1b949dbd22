"""Matching's rules on the cohort lifecycle (programmes/services.py), registered from MatchingConfig.ready()
because programmes sits below matching and may not import it."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Cohort, Enrolment
from programmes.services import transition_check, transition_step

from .models import MatchRun, Pairing
from .services import pairings_complete

State = Cohort.State


def _active_mentees(cohort: Cohort):
    return cohort.enrolments.filter(role=Enrolment.Role.MENTEE, status=Enrolment.Status.ACTIVE)


def unexplained_unmatched_mentees(cohort: Cohort) -> list[Enrolment]:
    """Active mentees with no active pairing whom the latest run did not account for with a reason."""
    paired = Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).values("mentee_id")
    latest = cohort.match_runs.exclude(status=MatchRun.Status.SUPERSEDED).order_by("-created_at").first()
    explained = {u["enrolment_id"] for u in latest.unmatched} if latest else set()
    return [
        e
        for e in _active_mentees(cohort).exclude(pk__in=paired).select_related("person")
        if e.pk not in explained
    ]


@transition_check(State.MATCHING, State.ENROLLING)
def _nothing_published(cohort):
    if cohort.match_runs.filter(status=MatchRun.Status.PUBLISHED).exists():
        return _("Pairs have been published; enrolment can't be reopened.")
    return None


@transition_check(State.MATCHING, State.ACTIVE)
def _every_mentee_paired_or_explained(cohort):
    if cohort.matching_mode == Cohort.MatchingMode.CHOICE:
        # Mentees choose their mentor while the cohort is active too: no algorithm run is needed,
        # and a mentee who has not chosen yet is still choosing, not unmatched.
        return None
    if not Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE).exists():
        return _("Publish a match run first: no pairs are active yet.")
    missing = unexplained_unmatched_mentees(cohort)
    if missing:
        names = ", ".join(e.person.full_name for e in missing[:5])
        return ngettext(
            "%(n)d mentee is unmatched without a reason (%(names)s): run matching again.",
            "%(n)d mentees are unmatched without a reason (%(names)s): run matching again.",
            len(missing),
        ) % {"n": len(missing), "names": names}
    return None


@transition_step(State.CLOSED)
def _complete_the_pairings(cohort):
    pairings_complete(cohort=cohort)
