"""`{% support_kpi_panel scope as panel %}` and `{% rampup_panel scope as panel %}`: the panels for a
dashboard scope, so templates/dashboards/_kpi_panel.html and _rampup_panel.html can be included on
any page whose context has a `scope` (the dashboard, the printable report) without that page's view
knowing about them. A context that already has them in `kpi_panels` (slug: panel; the dashboard's,
worked out alongside its other panels) is given those."""

from django import template

from dashboards.kpi_panels import kpi_panel, rampup_panel
from dashboards.kpi_selectors import kept_kpi_outcome, kept_ramp_up

register = template.Library()


@register.simple_tag(takes_context=True)
def support_kpi_panel(context, scope):
    given = context.get("kpi_panels") or {}
    return given.get("support-kpis") or kpi_panel(kept_kpi_outcome(scope))


@register.simple_tag(name="rampup_panel", takes_context=True)
def rampup_panel_tag(context, scope):
    given = context.get("kpi_panels") or {}
    return given.get("ramp-up") or rampup_panel(kept_ramp_up(scope))
