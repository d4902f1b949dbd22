"""The support-KPI and ramp-up panels on a page of their own, and each panel as CSV.

The dashboard includes the same panels (templates/dashboards/_kpi_panel.html, _rampup_panel.html):
they need only `scope` in the context.
"""

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rules.contrib.views import permission_required

from mentorship.spreadsheets import neutralised

from .filters import scope_for
from .kpi_panels import kpi_panel, rampup_panel
from .kpi_selectors import MIN_GROUP, keep_seconds, kept_kpi_outcome, kept_ramp_up

PANELS = {
    "support-kpis": lambda scope: kpi_panel(kept_kpi_outcome(scope)),
    "ramp-up": lambda scope: rampup_panel(kept_ramp_up(scope)),
}


@require_safe
@permission_required("dashboards.view", raise_exception=True)
def kpi_page(request):
    scope, form = scope_for(request.user, request.GET)
    return render(
        request,
        "dashboards/kpis.html",
        {
            "title": _("Support KPIs and ramp-up"),
            "back_url": reverse("dashboards:overview"),
            "back_label": _("Dashboard"),
            "scope": scope,
            "form": form,
            "min_group": MIN_GROUP,
            "cache_minutes": keep_seconds() // 60,
        },
    )


@require_safe
@permission_required("dashboards.view", raise_exception=True)
def kpi_csv(request, panel):
    if panel not in PANELS:
        raise Http404
    scope, _form = scope_for(request.user, request.GET)
    tables = PANELS[panel](scope).tables
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{panel}.csv"'
    writer = csv.writer(response)
    for table in tables:
        writer.writerow([neutralised(str(table.caption))])
        writer.writerow([neutralised(str(h)) for h in table.headers])
        for row in table.rows:
            writer.writerow([neutralised(str(cell)) for cell in row])
        writer.writerow([])
    return response
