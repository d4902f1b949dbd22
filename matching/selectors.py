from .models import MatchRun


def match_run_detail(pk: int) -> MatchRun:
    return MatchRun.objects.select_related("cohort__programme", "created_by", "published_by").get(pk=pk)


def match_run_pairings(run: MatchRun):
    return run.pairings.select_related("mentor__person__team", "mentee__person__team").order_by(
        "-score", "pk"
    )
