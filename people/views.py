from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from rules.contrib.views import permission_required

from mentorship.forms import search_query

from . import importing, selectors, services
from .forms import ImportUploadForm
from .models import ImportJob

manage_required = permission_required("programmes.manage", raise_exception=True)

# A preview of 10,000 rows would be a page nobody reads; errors matter more than the unchanged rows.
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500


@require_safe
@manage_required
def person_search(request):
    """What the person picker offers for `q`, as JSON: only programme admins, who may see everyone."""
    people = selectors.person_search(search_query(request.GET))
    return JsonResponse(
        {
            "results": [
                {
                    "value": person.employee_id or person.email,
                    "label": " · ".join(
                        part for part in (person.full_name, str(person.team or ""), person.email) if part
                    ),
                }
                for person in people
                # Someone with neither cannot be named in the field, so is not offered.
                if person.employee_id or person.email
            ]
        }
    )


@require_safe
@manage_required
def team_search(request):
    """What the team picker (the people list's team filter) offers for `q`, as JSON."""
    teams = selectors.team_search(search_query(request.GET))
    return JsonResponse({"results": [{"value": team.name, "label": team.name} for team in teams]})


@manage_required
def person_import(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    result = job = None
    if request.method == "POST" and form.is_valid():
        try:
            result, job = services.import_preview(upload=form.cleaned_data["file"], by=request.user)
        except importing.ImportFileError as exc:
            form.add_error("file", str(exc))
    context = {
        "title": _("Import people"),
        "form": form,
        "result": result,
        "job": job,
        "back_url": reverse("people:person-list"),
        "back_label": _("People"),
    }
    if result is not None:
        errors = result.errors
        context.update(
            errors=errors[:PREVIEW_ERRORS],
            more_errors=max(0, len(errors) - PREVIEW_ERRORS),
            rows=result.rows[:PREVIEW_ROWS],
            more_rows=max(0, len(result.rows) - PREVIEW_ROWS),
            counts={action: result.count(action) for action in ("create", "update", "unchanged")},
            runs_in_background=len(result.rows) > services.ASYNC_THRESHOLD_ROWS,
        )
    return render(request, "people/import.html", context)


@require_POST
@manage_required
def import_apply(request, pk):
    job = get_object_or_404(selectors.import_jobs(), pk=pk)
    if job.status != ImportJob.Status.PREVIEWED:
        # A second click, or the back button: the job is already on its way.
        return redirect("people:import-job", pk=job.pk)
    if not services.import_start(job=job):
        return redirect("people:import-job", pk=job.pk)
    job.refresh_from_db()
    if job.status == ImportJob.Status.DONE:
        messages.success(
            request,
            _("Import applied: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": job.created_count, "updated": job.updated_count, "unchanged": job.unchanged_count},
        )
        return redirect("people:person-list")
    if job.status == ImportJob.Status.FAILED:
        messages.error(request, job.error_message)
        return redirect("people:import")
    return redirect("people:import-job", pk=job.pk)  # another request claimed it first


@require_POST
@manage_required
def import_restart(request, pk):
    job = get_object_or_404(selectors.import_jobs(), pk=pk)
    try:
        done = services.import_restart(job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("people:import-job", pk=job.pk)
    job.refresh_from_db()
    if done and job.status == ImportJob.Status.DONE:
        messages.success(request, _("Import applied."))
        return redirect("people:person-list")
    return redirect("people:import-job", pk=job.pk)


@manage_required
def import_job_detail(request, pk):
    job = get_object_or_404(selectors.import_jobs(), pk=pk)
    # The polling script fills these in, so what it announces is translated like the page.
    status_text = {
        "done": _("Done: {created} created, {updated} updated, {unchanged} unchanged."),
        "failed": _("Failed; nothing was saved."),
        "progress": _("{done} of {total} rows"),
    }
    return render(
        request,
        "people/import_job.html",
        {
            "title": _("People import"),
            "job": job,
            "status_text": status_text,
            "done_text": status_text["done"].format(
                created=job.created_count, updated=job.updated_count, unchanged=job.unchanged_count
            ),
            "status_url": reverse("people:import-job-status", args=[job.pk]),
            "restart_url": reverse("people:import-restart", args=[job.pk]),
            "next_links": [
                (reverse("people:person-list"), _("See the people")),
                (reverse("people:import"), _("Import another file")),
            ],
            "back_url": reverse("people:person-list"),
            "back_label": _("People"),
        },
    )


@require_safe
@manage_required
def import_job_status(request, pk):
    job = get_object_or_404(selectors.import_jobs(), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "finished": job.is_finished,
            "total_rows": job.total_rows,
            "processed_rows": job.processed_rows,
            "percent": job.percent,
            "created": job.created_count,
            "updated": job.updated_count,
            "unchanged": job.unchanged_count,
            "error": job.error_message,
        }
    )
