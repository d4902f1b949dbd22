import csv
import datetime

import rules
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from kpis.selectors import FIGURES_VERSION_KEY, figures_version
from mentorship import kept
from mentorship.spreadsheets import neutralised
from programmes.stamps import every_cohort_versions

from . import panels_kept
from .filters import scope_for
from .kpi_panels import panels_for as kpi_panels_for
from .panels import PANELS
from .privacy import BANDS, MIN_GROUP


def _context(request, title, *, printable: bool = False):
    scope, form = scope_for(request.user, request.GET)
    rendered = panels_kept.rendered_panels(scope, printable=printable, user_id=request.user.pk)
    fresh_for = panels_kept.cache_seconds()
    return {
        "title": title,
        "form": form,
        "scope": scope,
        "panels_html": rendered["html"],
        "active_pairings": rendered["active_pairings"],
        "min_group": MIN_GROUP,
        "bands": ", ".join(f"{b:,}" for b in BANDS),
        "query": scope.query(),
        "cache_minutes": fresh_for // 60,
        "panels_at": datetime.datetime.fromtimestamp(rendered["at"], tz=datetime.UTC),
        # When the panels' figures are older than the page says they may be.
        "panels_until": datetime.datetime.fromtimestamp(rendered["at"] + fresh_for, tz=datetime.UTC),
    }


def _kept_id(value: str) -> bool:
    return value == "" or (value.isdigit() and len(value) <= 10)


def _kept_date(value: str) -> bool:
    return value == "" or len(value) == 10


# The filters' values worth keeping a page for (the form says what is wrong with any other).
KEPT_FILTERS = {
    "programme": _kept_id,
    "cohort": _kept_id,
    "team": _kept_id,
    "start": _kept_date,
    "end": _kept_date,
}


@permission_required("dashboards.view", raise_exception=True)
def overview(request):
    """Kept rendered per viewer and filters (mentorship/kept.py) until its panels' figures are
    fresh no longer (dashboards/panels_kept.py); sooner when a filter's choices change (teams and the
    people they manage: the people's stamp; programmes and cohorts: any cohort's) or KPI figures are
    imported."""
    return kept.kept_page(
        request,
        key=f"dashboard:v1:{request.user.pk}",
        build=lambda: _overview_page(request),
        templates=("dashboards/_overview.html", "dashboards/_filters.html", "dashboards/_privacy.html"),
        params=KEPT_FILTERS,
        versions={**every_cohort_versions(), FIGURES_VERSION_KEY: figures_version},
        # The link to programme health, for those who may open it.
        depends_on=(rules.has_perm("programmes.manage", request.user),),
        keep=panels_kept.cache_seconds() > 0,
    )


def _overview_page(request) -> kept.Built:
    context = _context(request, _("Dashboard"))
    return kept.Built("dashboards/_overview.html", context, until=context.pop("panels_until"))


@permission_required("dashboards.view", raise_exception=True)
def report(request):
    return render(request, "dashboards/report.html", _context(request, _("Outcome report"), printable=True))


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
    scope, _form = scope_for(request.user, request.GET)
    _data, laid_out = panels_kept.figures(scope)
    return _csv(f"{panel}.csv", laid_out[panel].all_tables)


@permission_required("dashboards.view", raise_exception=True)
def report_csv(request):
    scope, _form = scope_for(request.user, request.GET)
    _data, laid_out = panels_kept.figures(scope)
    tables = [t for p in laid_out.values() for t in p.all_tables]
    tables += [t for p in kpi_panels_for(scope).values() for t in p.tables]
    return _csv("outcome-report.csv", tables)
