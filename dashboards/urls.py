from django.urls import include, path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kpis/", include("dashboards.kpi_urls")),
    path("report/", views.report, name="report"),
    path("report.csv", views.report_csv, name="report-csv"),
    path("<slug:panel>.csv", views.panel_csv, name="panel-csv"),
]
