from django.urls import path

from . import health_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("health/", health_views.health, name="health"),
    path("health/export.csv", health_views.health_csv, name="health-csv"),
    path("health/nudge/", health_views.health_nudge, name="health-nudge"),
]
