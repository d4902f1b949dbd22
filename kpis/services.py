"""Writes for support KPIs: the helpdesk CSV import. Its job runs through the people import's
lifecycle (people/import_jobs.py): preview keeps a valid file, apply runs inline or in a worker
under a lease, all or nothing.

The replace rule: a file replaces, for every month it contains, the figures it has columns for.
Each agent in the file gets the file's figures for that month; an agent stored for that month but
not in the file (or on a row with no figures) loses those figures, and a stored month left with no
figure at all is removed. Figures the file has no column for are kept, so a QA tool's export of QA
scores does not erase the helpdesk's CSAT for the same months. Months not in the file are untouched.
"""

import csv
import dataclasses
import datetime
import io
from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from people import import_jobs
from people.importing import decode_upload
from people.models import Person

from . import importing, selectors
from .models import RAMP_UP_KPIS, AgentMonth, KpiImport, MedianReach

# Files with more rows than this are applied by a Celery worker while the page shows progress.
ASYNC_THRESHOLD_ROWS = 5_000
BATCH_SIZE = 5_000
COPY_BATCH_SIZE = 40_000
# 240,000 rows apply in well under a minute; a job running for this long has lost its worker.
IMPORT_LEASE = datetime.timedelta(minutes=15)


@dataclasses.dataclass(frozen=True)
class KpiCounts:
    created: int
    replaced: int
    cleared: int


def _agents() -> importing.Agents:
    """Everyone an export can name, in one query whatever the file's size."""
    by_employee_id: dict[str, int] = {}
    by_email: dict[str, tuple[int, ...]] = {}
    for pk, employee_id, email in Person.objects.values_list("pk", "employee_id", "email").iterator(
        chunk_size=10_000
    ):
        if employee_id:
            by_employee_id[employee_id] = pk
        if email:
            key = email.lower()
            by_email[key] = (*by_email.get(key, ()), pk)
    return importing.Agents(by_employee_id=by_employee_id, by_email=by_email)


def _stored(months: list[datetime.date]) -> dict[tuple[int, datetime.date], int]:
    """(person id, month) → row id of what is stored for the file's months, in one query."""
    if not months:
        return {}
    rows = AgentMonth.objects.filter(month__in=months).values_list("person_id", "month", "pk")
    return {(person_id, month): pk for person_id, month, pk in rows.iterator(chunk_size=10_000)}


def kpi_import_check(*, text: str, today: datetime.date | None = None) -> importing.KpiImportResult:
    """Parse and validate CSV text against the people and the stored figures, as they are now."""
    result = importing.parse(text, today=today or timezone.localdate())
    return importing.validate(result, agents=_agents(), stored=_stored(result.months).keys())


@transaction.atomic
def kpi_import_preview(*, upload, by) -> tuple[importing.KpiImportResult, KpiImport | None]:
    """Check every row of the upload. A valid file is kept as a job waiting to be applied; a file
    with errors keeps nothing. Raises ImportFileError for a file that cannot be read."""
    text = decode_upload(upload, max_bytes=importing.MAX_UPLOAD_BYTES)
    result = kpi_import_check(text=text)
    if not result.is_valid:
        return result, None
    job = import_jobs.job_keep(
        model=KpiImport, by=by, filename=upload.name, text=text, total_rows=len(result.rows)
    )
    return result, job


def kpi_import_start(*, job: KpiImport) -> bool:
    """Apply a previewed job: inline when small (True when done here), otherwise queue it for a
    worker (False: the job page follows its progress)."""
    return import_jobs.job_start(
        job=job, threshold=ASYNC_THRESHOLD_ROWS, run=kpi_import_run, queue=_queue_import
    )


def _queue_import(job_id: int) -> None:
    from .tasks import apply_import  # tasks imports this module

    apply_import.delay(job_id)


def kpi_imports_sweep(*, now: datetime.datetime | None = None) -> tuple[list[int], list[int]]:
    """Run by beat: fail jobs whose worker died, queue again those the broker may have lost.
    Returns (ids failed, ids queued again)."""
    return import_jobs.jobs_sweep(model=KpiImport, lease=IMPORT_LEASE, queue=_queue_import, now=now)


def kpi_import_restart(*, job: KpiImport) -> bool:
    """Start a job again after its worker died (its file is still kept). Same return as `kpi_import_start`."""
    return import_jobs.job_restart(job=job, start=kpi_import_start)


def kpi_import_run(*, job_id: int, claim_from: str = KpiImport.Status.QUEUED) -> bool:
    """Run one import job once. Returns False when another run has already claimed it."""
    return import_jobs.job_run(
        model=KpiImport, job_id=job_id, claim_from=claim_from, apply=_kpi_import_job_apply
    )


@transaction.atomic
def _kpi_import_job_apply(*, job: KpiImport, progress: Callable[[int], None]) -> None:
    counts = kpi_import_apply(text=job.source, progress=progress)
    KpiImport.objects.filter(pk=job.pk).update(
        status=KpiImport.Status.DONE,
        processed_rows=job.total_rows,
        created_count=counts.created,
        replaced_count=counts.replaced,
        cleared_count=counts.cleared,
        # The figures are in the database now; the export's copy of them need not stay.
        source="",
        finished_at=timezone.now(),
    )


@transaction.atomic
def kpi_import_apply(
    *, text: str, today: datetime.date | None = None, progress: Callable[[int], None] = lambda processed: None
) -> KpiCounts:
    """Write the CSV text's figures under the replace rule (the module's docstring): all or nothing.

    The file is checked again against the database as it is now, inside this transaction. Bulk
    statements keep the query count independent of the row count (apart from one statement per
    batch); full_clean() is not called per row: importing.validate applies the same rules to every
    row at once, and the database constraints back them.
    """
    result = importing.parse(text, today=today or timezone.localdate())
    # Figures the dashboards keep from the old rows are stale once these are committed (not before:
    # a rolled-back import changes nothing).
    transaction.on_commit(selectors.figures_changed)
    stored = _stored(result.months)
    importing.validate(result, agents=_agents(), stored=stored.keys())
    if not result.is_valid:
        errors = result.errors
        first = errors[0]
        raise import_jobs.ImportRejected(
            _(
                "The file no longer passes the checks (%(count)d errors; the first: row %(row)s, "
                "%(column)s %(message)s). Upload it again to see the preview."
            )
            % {"count": len(errors), "row": first.row, "column": first.column, "message": first.message}
        )
    figures = result.figures
    now = timezone.now()
    rows = [row for row in result.rows if row.action in ("create", "replace")]
    if figures == importing.FIGURES:
        # The file has every figure, so its months are written afresh: a stored agent-month it does
        # not name would lose every figure and be removed anyway. Deleting and inserting is several
        # times faster than updating 240,000 rows in place.
        AgentMonth.objects.filter(month__in=result.months).delete()
        _write(rows, figures, now=now, progress=progress, replace=False)
        median_reach_refresh()
        return KpiCounts(
            created=result.count("create"), replaced=result.count("replace"), cleared=result.cleared
        )
    named = {(row.person_id, row.month) for row in rows}
    cleared = [pk for key, pk in stored.items() if key not in named]
    emptied = dict.fromkeys(figures) | {"imported_at": now}
    for start in range(0, len(cleared), BATCH_SIZE):
        AgentMonth.objects.filter(pk__in=cleared[start : start + BATCH_SIZE]).update(**emptied)
    _write(rows, figures, now=now, progress=progress, replace=True)
    if cleared:
        # A stored month the file left with no figure at all says nothing any more.
        AgentMonth.objects.filter(
            Q(month__in=result.months), *(Q(**{f"{name}__isnull": True}) for name in importing.FIGURES)
        ).delete()
    median_reach_refresh()
    return KpiCounts(created=result.count("create"), replaced=result.count("replace"), cleared=result.cleared)


@transaction.atomic
def median_reach_refresh() -> None:
    """Work out MedianReach afresh from every agent-month: call it after any write of figures, in
    the same transaction. Set-based: per KPI, one INSERT ... SELECT over a window of every team's
    months (about a second at 240,000 rows), paid once per import instead of once per dashboard view.

    Reaching the median means at least as good as half the team that month, the person included:
    more than half of the team's figures that month are at or below theirs (CUME_DIST > 0.5, exactly
    "at or above the median" for a figure of the team's own). The team is the person's team now, and
    the median is over everyone in it with a figure that month; someone without a team has no median
    to reach. Only months from the hire month on count."""
    qn = connection.ops.quote_name
    months, persons, reaches = (qn(model._meta.db_table) for model in (AgentMonth, Person, MedianReach))
    if connection.vendor == "postgresql":
        # Two imports at once: the second waits for the first to commit and then replaces its rows
        # (without the lock both would insert, and the later one fail on the unique constraint).
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {reaches} IN EXCLUSIVE MODE")
    MedianReach.objects.all().delete()
    month_index, month_params = selectors.month_index_sql("ranked.month")
    hire_index, hire_params = selectors.month_index_sql("ranked.hire_date")
    with connection.cursor() as cursor:
        for kpi in RAMP_UP_KPIS:
            column = qn(kpi)
            sql = f"""
                INSERT INTO {reaches} (person_id, kpi, first_month)
                SELECT ranked.person_id, %s,
                       MIN(CASE WHEN ranked.team_id IS NOT NULL AND ranked.at_or_below > 0.5
                                     AND {month_index} >= {hire_index}
                                THEN ranked.month END)
                FROM (
                    SELECT am.person_id, am.month, p.hire_date, p.team_id,
                           CUME_DIST() OVER (
                               PARTITION BY p.team_id, am.month ORDER BY am.{column}
                           ) AS at_or_below
                    FROM {months} am
                    JOIN {persons} p ON p.id = am.person_id
                    WHERE am.{column} IS NOT NULL
                ) ranked
                GROUP BY ranked.person_id
            """  # noqa: S608 (the names are the models' own; every value is a parameter)
            cursor.execute(sql, (kpi, *month_params, *hire_params))


def _write(rows: list[importing.KpiRow], figures: tuple[str, ...], *, now, progress, replace: bool) -> None:
    """Insert the rows; with `replace`, a stored (agent, month) gets the file's figures instead."""
    if connection.vendor == "postgresql":
        _write_postgresql(rows, figures, now=now, progress=progress, replace=replace)
        return
    for start in range(0, len(rows), BATCH_SIZE):
        AgentMonth.objects.bulk_create(
            [
                AgentMonth(
                    person_id=row.person_id,
                    month=row.month,
                    imported_at=now,
                    **{name: getattr(row, name) for name in figures},
                )
                for row in rows[start : start + BATCH_SIZE]
            ],
            **(
                {
                    "update_conflicts": True,
                    "unique_fields": ["person", "month"],
                    "update_fields": [*figures, "imported_at"],
                }
                if replace
                else {}
            ),
        )
        progress(min(start + BATCH_SIZE, len(rows)))


def _write_postgresql(
    rows: list[importing.KpiRow], figures: tuple[str, ...], *, now, progress, replace: bool
) -> None:
    """bulk_create with update_conflicts spent over 40 s of Python on 240,000 rows (model instances,
    then 2 million parameters). COPY does the same in a few seconds, with a fixed number of
    statements per batch: straight into the table, or (to replace) into a temporary table and then
    one INSERT … ON CONFLICT per batch."""
    qn = connection.ops.quote_name
    table = qn(AgentMonth._meta.db_table)
    names = ", ".join(qn(column) for column in ("person_id", "month", *figures))
    with connection.cursor() as cursor:
        if replace:
            fields = [
                AgentMonth._meta.get_field(name)
                for name in ("person", "month", *importing.FIGURES, "imported_at")
            ]
            definition = ", ".join(f"{qn(field.column)} {field.db_type(connection)}" for field in fields)
            # ON COMMIT DROP: the table lives as long as this import's transaction.
            cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS kpi_incoming ({definition}) ON COMMIT DROP")
            updates = ", ".join(
                f"{qn(column)} = EXCLUDED.{qn(column)}" for column in (*figures, "imported_at")
            )
        stamp = now.isoformat()
        target = f"{table} ({names}, imported_at)" if not replace else f"kpi_incoming ({names}, imported_at)"
        for start in range(0, len(rows), COPY_BATCH_SIZE):
            batch = rows[start : start + COPY_BATCH_SIZE]
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerows(
                [
                    row.person_id,
                    row.month,
                    *("" if (value := getattr(row, name)) is None else value for name in figures),
                    stamp,
                ]
                for row in batch
            )
            buffer.seek(0)
            if replace:
                cursor.execute("TRUNCATE kpi_incoming")
            cursor.copy_expert(f"COPY {target} FROM STDIN WITH (FORMAT csv)", buffer)
            if replace:
                cursor.execute(
                    f"INSERT INTO {table} ({names}, imported_at) "  # noqa: S608 - names come from the model
                    f"SELECT {names}, imported_at FROM kpi_incoming "
                    f"ON CONFLICT (person_id, month) DO UPDATE SET {updates}"
                )
            progress(start + len(batch))
