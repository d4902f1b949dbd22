"""`{% support_kpi_panel scope as panel %}` and `{% rampup_panel scope as panel %}`: the panels for a
dashboard scope, so templates/dashboards/_kpi_panel.html and _rampup_panel.html can be included on
any page whose context has a `scope` (the dashboard, the printable report) without that page's view
knowing about them."""

from django import template

from dashboards.kpi_panels import kpi_panel, rampup_panel
from dashboards.kpi_selectors import kept_kpi_outcome, kept_ramp_up

register = template.Library()


@register.simple_tag
def support_kpi_panel(scope):
    return kpi_panel(kept_kpi_outcome(scope))


@register.simple_tag(name="rampup_panel")
def rampup_panel_tag(scope):
    return rampup_panel(kept_ramp_up(scope))
