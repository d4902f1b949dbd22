from django.urls import include, path

from . import health_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kpis/", include("dashboards.kpi_urls")),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report-csv"),
    path("<slug:panel>.csv", views.panel_csv, name="panel-csv"),
    path("health/", health_views.health, name="health"),
    path("health/export.csv", health_views.health_csv, name="health-csv"),
    path("health/nudge/", health_views.health_nudge, name="health-nudge"),
]
