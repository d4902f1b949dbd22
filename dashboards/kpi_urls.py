from django.urls import path

from . import kpi_views

# Included by dashboards/urls.py under "kpis/", in the dashboards namespace.
urlpatterns = [
    path("", kpi_views.kpi_page, name="kpis"),
    path("<slug:panel>.csv", kpi_views.kpi_csv, name="kpi-csv"),
]
