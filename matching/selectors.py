from programmes.models import Enrolment

from .models import MatchRun, PairRule


def match_run_detail(pk: int) -> MatchRun:
    return MatchRun.objects.select_related("cohort__programme", "created_by", "published_by").get(pk=pk)


def match_run_pairings(run: MatchRun):
    return run.pairings.select_related("mentor__person__team", "mentee__person__team").order_by(
        "-score", "pk"
    )


def cohort_match_runs(cohort):
    """Every finished run of a cohort, newest first (placeholders of background runs left out)."""
    return cohort.match_runs.exclude(status__in=[MatchRun.Status.RUNNING, MatchRun.Status.FAILED]).exclude(
        quality__has_key="result_run_id"
    )


def cohort_pair_rules(cohort):
    return (
        PairRule.objects.filter(cohort=cohort)
        .select_related("mentor__person", "mentee__person")
        .order_by("-kind", "mentee__person__full_name", "pk")  # pins first
    )


def cohort_active_enrolments(cohort):
    return (
        Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.ACTIVE)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )
