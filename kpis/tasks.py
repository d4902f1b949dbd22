"""Celery entry points for support KPIs. Thin: they take ids and call a service that is safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="kpis.tasks.apply_import")
def apply_import(job_id: int) -> bool:
    """Queued by services.kpi_import_start; a duplicate delivery finds the job claimed and does nothing."""
    return services.kpi_import_run(job_id=job_id)


@shared_task(name="kpis.tasks.sweep_imports")
def sweep_imports() -> int:
    """Run by beat: fail imports whose worker died, queue again those the broker may have lost."""
    failed, _queued = services.kpi_imports_sweep()
    return len(failed)
