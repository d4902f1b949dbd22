from django.urls import include, path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("kpis/", include("dashboards.kpi_urls")),
]
