"""Programme health for admins: the table of every pairing, its CSV, and nudging selected pairs."""

import csv

from django.contrib import messages
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe
from rules.contrib.views import permission_required

from mentorship.paging import paginate
from mentorship.spreadsheets import neutralised
from submissions.once import submitted_once

from .health_forms import HealthFilterForm, NudgeForm
from .health_selectors import DEFAULT_SORT, PER_PAGE, HealthFilters, Status, health_page, health_rows
from .health_services import pairings_nudge

# (sort key, column heading), in the table's order.
COLUMNS = [
    ("mentor", gettext_lazy("Mentor")),
    ("mentee", gettext_lazy("Mentee")),
    ("cohort", gettext_lazy("Cohort")),
    ("last_session", gettext_lazy("Last session")),
    ("sessions", gettext_lazy("Sessions")),
    ("cadence", gettext_lazy("Cadence")),
    ("pulse", gettext_lazy("Latest pulse")),
    ("flags", gettext_lazy("Open flags")),
    ("goals", gettext_lazy("Goals achieved")),
    ("status", gettext_lazy("Status")),
]
FILTERS = ("programme", "cohort", "team", "status", "flagged", "cadence_missed")


def table_url(query: str = "") -> str:
    # Re-encoded so only a query string, never another address, can follow the table's path.
    query = QueryDict(query).urlencode()
    return reverse("dashboards:health") + (f"?{query}" if query else "")


def _columns(request, sort: str) -> list[dict]:
    """Each heading with the link that sorts by it (ascending first, then the other way), keeping
    the filters and going back to page 1."""
    current = sort.removeprefix("-")
    descending = sort.startswith("-")
    columns = []
    for key, label in COLUMNS:
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = f"-{key}" if key == current and not descending else key
        columns.append(
            {
                "key": key,
                "label": label,
                "url": f"?{query.urlencode()}",
                "aria_sort": ("descending" if descending else "ascending") if key == current else None,
            }
        )
    return columns


@require_safe
@permission_required("dashboards.view_health", raise_exception=True)
def health(request):
    form = HealthFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate(request, health_rows(filters=filters).values("pk"), per_page=PER_PAGE)
    page.object_list = _labelled(health_page(page.object_list, sort=filters.sort))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboards/health.html",
        {
            "title": _("Programme health"),
            "back_url": reverse("dashboards:overview"),
            "back_label": _("Dashboard"),
            "form": form,
            "page": page,
            "columns": _columns(request, filters.sort),
            "filtered": any(request.GET.get(key) for key in FILTERS),
            "query": query.urlencode(),
            "full_query": request.GET.urlencode(),
        },
    )


def _labelled(rows) -> list:
    rows = list(rows)
    for row in rows:
        row.status_label = Status.labels.get(row.health_status, row.health_status)
        row.is_nudgeable = row.health_status == Status.ACTIVE
    return rows


class _Echo:
    """A file whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value):
        return value


CSV_HEADER = [
    "mentor",
    "mentor email",
    "mentee",
    "mentee email",
    "programme",
    "cohort",
    "started",
    "last session",
    "sessions",
    "cadence kept",
    "latest pulse (1-5)",
    "latest pulse on",
    "open flags",
    "goals achieved",
    "goals set",
    "status",
]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return neutralised(value)
    return value


def _csv_lines(filters: HealthFilters):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    # iterator(): the rows are read in chunks (a server-side cursor on PostgreSQL), never all at once.
    for p in health_rows(filters=filters).iterator(chunk_size=1000):
        pulse_on = timezone.localdate(p.latest_pulse_on) if p.latest_pulse_on else None
        row = [
            p.mentor_name,
            p.mentor_email,
            p.mentee_name,
            p.mentee_email,
            p.programme_name,
            p.cohort_name,
            p.started_on,
            p.last_session_on,
            p.session_count,
            p.cadence_kept,
            p.latest_pulse,
            pulse_on,
            p.open_flags,
            p.goals_achieved,
            p.goals_total,
            str(Status.labels.get(p.health_status, p.health_status)),
        ]
        yield writer.writerow([_cell(value) for value in row])


@require_safe
@permission_required("dashboards.view_health", raise_exception=True)
def health_csv(request):
    """The filtered table, every row (not one page), streamed as it is read."""
    filters = HealthFilterForm(request.GET or None).filters()
    response = StreamingHttpResponse(_csv_lines(filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="programme-health.csv"'
    return response


@permission_required("dashboards.view_health", raise_exception=True)
@submitted_once
def health_nudge(request):
    """GET: confirm the pairs selected in the table; POST: nudge them and go back to the table."""
    data = request.POST if request.method == "POST" else request.GET
    form = NudgeForm(data)
    back = table_url(data.get("query", ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    pairings = form.cleaned_data["pairing"]
    if request.method == "POST":
        outcome = pairings_nudge(pairings=pairings, by=request.user)
        _report_nudges(request, outcome)
        return redirect(back)
    rows = _labelled(
        health_rows(filters=HealthFilters(sort=DEFAULT_SORT)).filter(pk__in=[p.pk for p in pairings])
    )
    return render(
        request,
        "dashboards/health_nudge.html",
        {
            "title": _("Nudge pairs"),
            "back_url": back,
            "back_label": _("Back to programme health"),
            "rows": rows,
            "active": [p for p in rows if p.is_nudgeable],
            "query": QueryDict(data.get("query", "")).urlencode(),
        },
    )


def _report_nudges(request, outcome) -> None:
    if outcome.nudged:
        n = len(outcome.nudged)
        messages.success(request, ngettext("%(n)d pair nudged.", "%(n)d pairs nudged.", n) % {"n": n})
    if outcome.already:
        n = len(outcome.already)
        messages.info(
            request,
            ngettext(
                "%(n)d pair was already nudged today, so nothing was sent to it again.",
                "%(n)d pairs were already nudged today, so nothing was sent to them again.",
                n,
            )
            % {"n": n},
        )
    if outcome.skipped:
        n = len(outcome.skipped)
        messages.warning(
            request,
            ngettext(
                "%(n)d pair is not active and was not nudged.",
                "%(n)d pairs are not active and were not nudged.",
                n,
            )
            % {"n": n},
        )
