import csv
import datetime
import time

import rules
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rules.contrib.views import permission_required

from kpis.selectors import FIGURES_VERSION_KEY, figures_version
from mentorship import kept
from mentorship.spreadsheets import neutralised
from programmes.stamps import every_cohort_versions

from . import selectors
from .filters import scope_for
from .kpi_panels import panels_for as kpi_panels_for
from .panels import PANELS, panels
from .privacy import BANDS, MIN_GROUP

# Panels the printable report leaves out (the dashboard and the report's CSV keep them).
NOT_IN_REPORT = ("recognition",)


def cache_seconds() -> int:
    """How long the dashboard's figures are kept (the page says so); 0 works them out every time."""
    return getattr(settings, "DASHBOARD_CACHE_SECONDS", 300)


def _figures(scope) -> tuple[selectors.Outcomes, dict]:
    data = selectors.outcomes_cached(scope, seconds=cache_seconds())
    return data, panels(data)


def _rendered_panels(scope, *, printable: bool) -> dict:
    """Every panel's HTML and the active pairings the heading counts. The HTML is kept as the
    figures are (cache_seconds(), the day, the KPI figures' version): a kept page then costs a cache
    read instead of building the charts and drawing some 2,000 table cells again."""

    def render_now() -> dict:
        data, laid_out = _figures(scope)
        if printable:
            # The report is one A4 page of outcomes; recognition is on the page and in the CSV.
            laid_out = {slug: panel for slug, panel in laid_out.items() if slug not in NOT_IN_REPORT}
        context = {"panels": laid_out, "scope": scope, "query": scope.query(), "printable": printable}
        html = render_to_string("dashboards/_panels.html", context)
        return {
            "html": mark_safe(html),  # noqa: S308 (rendered by templates, escaped there)
            "active_pairings": data.active_pairings,
            "at": time.time(),
        }

    seconds = cache_seconds()
    if seconds <= 0:
        return render_now()
    key = ":".join(
        [
            "dashboards:panels-html:v2",
            "print" if printable else "page",
            get_language() or "",
            scope.key(),
            timezone.localdate().isoformat(),
            figures_version(),
        ]
    )
    found = cache.get(key)
    if found is None:
        found = render_now()
        cache.set(key, found, seconds)
    return found


def _context(request, title, *, printable: bool = False):
    scope, form = scope_for(request.user, request.GET)
    rendered = _rendered_panels(scope, printable=printable)
    return {
        "title": title,
        "form": form,
        "scope": scope,
        "panels_html": rendered["html"],
        "active_pairings": rendered["active_pairings"],
        "min_group": MIN_GROUP,
        "bands": ", ".join(f"{b:,}" for b in BANDS),
        "query": scope.query(),
        "cache_minutes": cache_seconds() // 60,
        # When the panels' figures are older than the page says they may be.
        "panels_until": datetime.datetime.fromtimestamp(rendered["at"] + cache_seconds(), tz=datetime.UTC),
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
    cache_seconds() old, as they are kept now; sooner when a filter's choices change (teams and the
    people they manage: the people's stamp; programmes and cohorts: any cohort's) or KPI figures
    are imported."""
    return kept.kept_page(
        request,
        key=f"dashboard:v1:{request.user.pk}",
        build=lambda: _overview_page(request),
        templates=("dashboards/_overview.html", "dashboards/_filters.html", "dashboards/_privacy.html"),
        params=KEPT_FILTERS,
        versions={**every_cohort_versions(), FIGURES_VERSION_KEY: figures_version},
        # The link to programme health, for those who may open it.
        depends_on=(rules.has_perm("programmes.manage", request.user),),
        keep=cache_seconds() > 0,
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
    _data, laid_out = _figures(scope)
    return _csv(f"{panel}.csv", laid_out[panel].all_tables)


@permission_required("dashboards.view", raise_exception=True)
def report_csv(request):
    scope, _form = scope_for(request.user, request.GET)
    _data, laid_out = _figures(scope)
    tables = [t for p in laid_out.values() for t in p.all_tables]
    tables += [t for p in kpi_panels_for(scope).values() for t in p.tables]
    return _csv("outcome-report.csv", tables)
