"""The KPI import pages: upload → preview → apply, inline for small files and by Celery for large ones
(the people import's lifecycle), for programme admins only."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from rules.contrib.views import permission_required

from mentorship.paging import paginate
from people.importing import ImportFileError

from . import importing, services
from .forms import KpiUploadForm
from .models import AgentMonth, KpiImport

manage_required = permission_required("programmes.manage", raise_exception=True)

# A preview of 240,000 rows would be a page nobody reads; errors matter more than the good rows.
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500
MONTHS_PER_PAGE = 12


def _jobs():
    # The CSV text can be 50 MB: pages that show a job never load it.
    return KpiImport.objects.defer("source").select_related("created_by")


def _done_text(job: KpiImport) -> str:
    return _("Done: {created} created, {replaced} replaced, {cleared} cleared.").format(
        created=job.created_count, replaced=job.replaced_count, cleared=job.cleared_count
    )


@manage_required
def kpi_import(request):
    form = KpiUploadForm(request.POST or None, request.FILES or None)
    result = job = None
    if request.method == "POST" and form.is_valid():
        try:
            result, job = services.kpi_import_preview(upload=form.cleaned_data["file"], by=request.user)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
    context = {
        "title": _("Import support KPIs"),
        "form": form,
        "result": result,
        "job": job,
        "accepted": importing.accepted_columns(),
        "months": paginate(request, AgentMonth.objects.months_on_record(), per_page=MONTHS_PER_PAGE),
        "back_url": reverse("home"),
        "back_label": _("Home"),
    }
    if result is not None:
        errors = result.errors
        per_month = Counter(row.month for row in result.rows if row.action in ("create", "replace"))
        context.update(
            errors=errors[:PREVIEW_ERRORS],
            more_errors=max(0, len(errors) - PREVIEW_ERRORS),
            rows=result.rows[:PREVIEW_ROWS],
            more_rows=max(0, len(result.rows) - PREVIEW_ROWS),
            counts={action: result.count(action) for action in ("create", "replace", "empty")},
            file_months=[(month, per_month[month]) for month in result.months],
            recognised=[
                (column.header, importing.COLUMN_LABELS[name], _unit_label(name, column))
                for name, column in sorted(result.columns.items(), key=lambda item: item[1].index)
            ],
            runs_in_background=len(result.rows) > services.ASYNC_THRESHOLD_ROWS,
        )
    return render(request, "kpis/import.html", context)


def _unit_label(name: str, column: importing.Column) -> str:
    if name not in importing.DURATIONS:
        return ""
    return importing.unit_label(column.minutes_per_unit)


@require_POST
@manage_required
def import_apply(request, pk):
    job = get_object_or_404(_jobs(), pk=pk)
    if job.status != KpiImport.Status.PREVIEWED:
        # A second click, or the back button: the job is already on its way.
        return redirect("kpis:import-job", pk=job.pk)
    if not services.kpi_import_start(job=job):
        return redirect("kpis:import-job", pk=job.pk)
    job.refresh_from_db()
    if job.status == KpiImport.Status.DONE:
        messages.success(request, _("Import applied.") + " " + _done_text(job))
        return redirect("kpis:import")
    if job.status == KpiImport.Status.FAILED:
        messages.error(request, job.error_message)
        return redirect("kpis:import")
    return redirect("kpis:import-job", pk=job.pk)  # another request claimed it first


@require_POST
@manage_required
def import_restart(request, pk):
    job = get_object_or_404(_jobs(), pk=pk)
    try:
        services.kpi_import_restart(job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("kpis:import-job", pk=job.pk)


@manage_required
def import_job_detail(request, pk):
    job = get_object_or_404(_jobs(), pk=pk)
    return render(
        request,
        "kpis/import_job.html",
        {
            "title": _("KPI import"),
            "job": job,
            # The polling script fills these in, so what it announces is translated like the page.
            "status_text": {
                "done": _("Done: {created} created, {replaced} replaced, {cleared} cleared."),
                "failed": _("Failed; nothing was saved."),
                "progress": _("{done} of {total} rows"),
            },
            "done_text": _done_text(job),
            "status_url": reverse("kpis:import-job-status", args=[job.pk]),
            "restart_url": reverse("kpis:import-restart", args=[job.pk]),
            "next_links": [(reverse("kpis:import"), _("Import another file"))],
            "back_url": reverse("kpis:import"),
            "back_label": _("Import support KPIs"),
        },
    )


@require_safe
@manage_required
def import_job_status(request, pk):
    job = get_object_or_404(_jobs(), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "total_rows": job.total_rows,
            "processed_rows": job.processed_rows,
            "percent": job.percent,
            "created": job.created_count,
            "replaced": job.replaced_count,
            "cleared": job.cleared_count,
            "error": job.error_message,
        }
    )
