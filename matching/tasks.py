"""Celery entry points for matching. Each takes an id and calls one function, so a retried or
duplicated message is as safe as the claim that function makes."""

from celery import shared_task

from . import services


@shared_task(name="matching.tasks.run_matching")
def run_matching(run_id: int) -> str | None:
    """Claim a queued run and match its cohort into it; returns the run's status."""
    run = services.match_run_execute(run_id=run_id)
    return None if run is None else run.status


@shared_task(name="matching.tasks.expire_stale_runs")
def expire_stale_runs() -> int:
    """Mark failed the background runs whose lease ran out (their worker died); returns how many."""
    return services.match_runs_expire()
