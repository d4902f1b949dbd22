"""Celery entry points for submissions."""

from celery import shared_task

from . import services


@shared_task(name="submissions.tasks.forget_old")
def forget_old() -> int:
    return services.submissions_forget()
