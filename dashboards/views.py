import csv

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from mentorship.spreadsheets import neutralised

from . import selectors
from .filters import scope_for
from .kpi_panels import panels_for as kpi_panels_for
from .panels import PANELS, panels
from .privacy import BANDS, MIN_GROUP


def cache_seconds() -> int:
    """How long the dashboard's figures are kept (the page says so); 0 works them out every time."""
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)


def _context(request, title):
    scope, form = scope_for(request.user, request.GET)
    data = selectors.outcomes_cached(scope, seconds=cache_seconds())
    return {
        "title": title,
        "form": form,
        "scope": scope,
        "data": data,
        "panels": panels(data),
        "min_group": MIN_GROUP,
        "bands": ", ".join(f"{b:,}" for b in BANDS),
        "query": scope.query(),
        "cache_minutes": cache_seconds() // 60,
    }


@permission_required("dashboards.view", raise_exception=True)
def overview(request):
    return render(request, "dashboards/overview.html", _context(request, _("Dashboard")))


@permission_required("dashboards.view", raise_exception=True)
def report(request):
    return render(request, "dashboards/report.html", _context(request, _("Outcome report")))


def _csv(filename, tables):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for table in tables:
        writer.writerow([neutralised(table.caption)])
        writer.writerow([neutralised(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([neutralised(cell) for cell in row])
        writer.writerow([])
    return response


@permission_required("dashboards.view", raise_exception=True)
def panel_csv(request, panel):
    if panel not in PANELS:
        raise Http404
    context = _context(request, "")
    return _csv(f"{panel}.csv", context["panels"][panel].all_tables)


@permission_required("dashboards.view", raise_exception=True)
def report_csv(request):
    context = _context(request, "")
    tables = [t for p in context["panels"].values() for t in p.all_tables]
    tables += [t for p in kpi_panels_for(context["scope"]).values() for t in p.tables]
    return _csv("outcome-report.csv", tables)
