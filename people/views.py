from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST
from rules.contrib.views import permission_required

from mentorship.forms import parse_search
from submissions.once import submitted_once

from . import importing, selectors, services
from .forms import BulkActionForm, ImportUploadForm, PersonFilterForm
from .models import ImportJob

manage_required = permission_required("programmes.manage", raise_exception=True)

PER_PAGE = 50
# A preview of 10,000 rows would be a page nobody reads; errors matter more than the unchanged rows.
PREVIEW_ROWS = 200
PREVIEW_ERRORS = 500
REFUSALS_LISTED = 20


def _list_url(query: str = "") -> str:
    # Re-encoded so only a query string, never another address, can be appended to the list's path.
    query = QueryDict(query).urlencode()
    return reverse("people:person-list") + (f"?{query}" if query else "")


@manage_required
def person_list(request):
    filter_form = PersonFilterForm(request.GET or None)
    people = selectors.person_list(**filter_form.filters())
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/person_list.html",
        {
            "title": _("People"),
            "page": page,
            "filter_form": filter_form,
            "bulk_form": BulkActionForm(auto_id="bulk_%s"),
            "filtered": any(request.GET.get(key) for key in ("q", "team", "role", "cohort", "status")),
            "query": request.GET.urlencode(),
        },
    )


@require_GET
@manage_required
def person_search(request):
    """What the person picker offers for `q`, as JSON: only programme admins, who may see everyone."""
    people = selectors.person_search(parse_search(request.GET.get("q")))
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


@require_POST
@manage_required
@submitted_once
def person_bulk(request):
    form = BulkActionForm(request.POST)
    back = _list_url(request.POST.get("query", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    data = form.cleaned_data
    people = selectors.people_by_ids([person.pk for person in data["people"]])
    if data["action"] == BulkActionForm.EXPORT:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="people.csv"'
        importing.write_csv(people, response)
        return response
    cohort, role = data["cohort"], data["role"]
    outcome = services.people_enrol(cohort=cohort, people=people, role=role)
    if outcome.enrolled:
        messages.success(
            request,
            ngettext(
                "%(count)d person enrolled in %(cohort)s as %(role)s.",
                "%(count)d people enrolled in %(cohort)s as %(role)s.",
                len(outcome.enrolled),
            )
            % {"count": len(outcome.enrolled), "cohort": cohort.name, "role": role},
        )
    if outcome.refused:
        listed = "; ".join(
            f"{person.full_name}: {reason}" for person, reason in outcome.refused[:REFUSALS_LISTED]
        )
        more = len(outcome.refused) - REFUSALS_LISTED
        messages.warning(
            request,
            ngettext(
                "%(count)d not enrolled: %(listed)s",
                "%(count)d not enrolled: %(listed)s",
                len(outcome.refused),
            )
            % {"count": len(outcome.refused), "listed": listed}
            + (_(" … and %(more)d more.") % {"more": more} if more > 0 else ""),
        )
    return redirect(back)


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
    return render(
        request,
        "people/import_job.html",
        {
            "title": _("People import"),
            "job": job,
            # The polling script fills these in, so what it announces is translated like the page.
            "status_text": {
                "done": _("Done: {created} created, {updated} updated, {unchanged} unchanged."),
                "failed": _("Failed; nothing was saved."),
                "progress": _("{done} of {total} rows"),
            },
            "back_url": reverse("people:person-list"),
            "back_label": _("People"),
        },
    )


@require_GET
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
