"""What every background import shares (people's here, the KPI import's in kpis/): start a previewed
job inline or through Celery, claim it once, report progress from outside its transaction, fail it
visibly, end a lease whose worker died and start it again. Each kind passes its model, its `apply`
and its `queue`; the rules for a job's lifecycle are written once, here.
"""

import contextlib
import datetime
import logging
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import ImportFileError
from .models import BackgroundImport

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


class ImportRejected(Exception):
    """The file no longer passes the checks it passed at preview (the database changed since)."""


def job_keep(*, model: type[BackgroundImport], by, filename: str, text: str, total_rows: int):
    """Keep a file that passed its preview as a job waiting to be applied. An admin who uploads again
    has given up on their earlier preview, so that one is dropped. Call inside the preview's
    transaction."""
    model.objects.filter(created_by=by, status=model.Status.PREVIEWED).delete()
    job = model(created_by=by, filename=filename[:255], source=text, total_rows=total_rows)
    job.full_clean()
    job.save()
    return job


def job_start(
    *, job: BackgroundImport, threshold: int, run: Callable[..., bool], queue: Callable[[int], None]
) -> bool:
    """Apply a previewed job: inline when it has at most `threshold` rows (True when done here),
    otherwise queue it for a worker (False: the job page follows its progress).

    Not atomic on purpose: the claim must commit before the import's own transaction starts, so a
    second click (or a second worker) sees the job taken and does nothing.
    """
    model = type(job)
    if job.total_rows <= threshold:
        run(job_id=job.pk, claim_from=model.Status.PREVIEWED)
        return True
    with transaction.atomic():
        queued = model.objects.filter(pk=job.pk, status=model.Status.PREVIEWED).update(
            status=model.Status.QUEUED
        )
        if queued:
            # robust: with the broker down the job stays queued and the sweep queues it again,
            # instead of the admin's click ending on an error page.
            transaction.on_commit(lambda: queue(job.pk), robust=True)
    return False


def job_run(
    *,
    model: type[BackgroundImport],
    job_id: int,
    claim_from: str,
    apply: Callable[..., None],
) -> bool:
    """Run one job once: `apply(job=..., progress=...)` does the work and marks it done in its own
    transaction. Returns False when another run has already claimed the job."""
    claimed = model.objects.filter(pk=job_id, status=claim_from).update(
        status=model.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return False
    job = model.objects.get(pk=job_id)
    try:
        with progress_reporter(model, job_id) as progress:
            apply(job=job, progress=progress)
    except (ImportFileError, ImportRejected) as exc:
        job_fail(model, job_id, str(exc))
    except Exception:
        logger.exception("%s %s failed", model._meta.verbose_name, job_id)
        job_fail(model, job_id, _("The import failed unexpectedly; nothing was saved. Try again."))
        raise
    return True


def job_fail(model: type[BackgroundImport], job_id: int, message: str) -> None:
    model.objects.filter(pk=job_id).update(
        status=model.Status.FAILED, error_message=message, source="", finished_at=timezone.now()
    )


@contextlib.contextmanager
def progress_reporter(model: type[BackgroundImport], job_id: int):
    """Progress has to be seen while the import's transaction is still open, so on PostgreSQL it is
    written through a second connection in autocommit. SQLite has one writer at a time, so there the
    page shows progress only at the end."""
    if connection.vendor != "postgresql":
        yield lambda processed: None
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(model._meta.db_table)

    def report(processed: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET processed_rows = %s WHERE id = %s",  # noqa: S608 - table name from the model
                [processed, job_id],
            )

    try:
        yield report
    finally:
        side.close()


def jobs_sweep(
    *,
    model: type[BackgroundImport],
    lease: datetime.timedelta,
    queue: Callable[[int], None],
    now: datetime.datetime | None = None,
) -> tuple[list[int], list[int]]:
    """Run by beat: a running job whose lease has run out lost its worker (its transaction rolled
    back, so nothing was saved): mark it failed, keeping its file so it can be started again. Queued
    jobs are queued again, in case the broker lost them or was down; a duplicate finds the job
    claimed. Returns (ids failed, ids queued again)."""
    now = now or timezone.now()
    stale = list(
        model.objects.filter(status=model.Status.RUNNING, started_at__lt=now - lease).values_list(
            "pk", flat=True
        )
    )
    model.objects.filter(pk__in=stale, status=model.Status.RUNNING).update(
        status=model.Status.FAILED,
        error_message=_("The import stopped before it finished (its worker was stopped); nothing was saved."),
        finished_at=now,
    )
    queued = list(model.objects.filter(status=model.Status.QUEUED).values_list("pk", flat=True))
    for job_id in queued:
        try:
            queue(job_id)
        except Exception:  # noqa: BLE001 - broker still down: the next sweep tries again
            logger.warning("%s: broker unavailable; %s jobs wait", model._meta.verbose_name, len(queued))
            break
    return stale, queued


def job_restart(*, job: BackgroundImport, start: Callable[..., bool]) -> bool:
    """Start a job again after its worker died (its file is still kept). Same return as `job_start`."""
    model = type(job)
    if not job.can_restart:
        raise ValidationError(_("This import cannot be started again: upload the file again instead."))
    restarted = (
        model.objects.filter(pk=job.pk, status=model.Status.FAILED)
        .exclude(source="")
        .update(
            status=model.Status.PREVIEWED,
            error_message="",
            processed_rows=0,
            started_at=None,
            finished_at=None,
        )
    )
    if not restarted:
        return False
    job.refresh_from_db()
    return start(job=job)
