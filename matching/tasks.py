"""Celery entry points for matching. Each takes an id and calls a service in `matching.review`, so a
retried or duplicated message is as safe as the claim that service makes."""

from celery import shared_task

from . import review


@shared_task(name="matching.tasks.run_matching")
def run_matching(run_id: int) -> int | None:
    """Match the cohort of a placeholder run; returns the id of the run the matcher made."""
    placeholder = review.match_run_from_placeholder(run_id=run_id)
    return None if placeholder is None else review.result_run_id(placeholder)


@shared_task(name="matching.tasks.notify_published")
def notify_published(run_id: int) -> int:
    """Tell both sides of a published run who they were paired with; returns emails sent."""
    return review.match_run_notify(run_id=run_id)


# Celery discovers tasks in each app's tasks.py; choice mode's email task lives beside its services.
from .choice import send_mentor_request_email  # noqa: E402, F401
