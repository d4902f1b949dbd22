"""The people import pages; enrolment/people_urls.py serves them with the people list, as `people:`."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("search/", views.person_search, name="person-search"),
    path("teams/search/", views.team_search, name="team-search"),
    path("import/", views.person_import, name="import"),
    path("import/<int:pk>/", views.import_job_detail, name="import-job"),
    path("import/<int:pk>/apply/", views.import_apply, name="import-apply"),
    path("import/<int:pk>/restart/", views.import_restart, name="import-restart"),
    path("import/<int:pk>/status/", views.import_job_status, name="import-job-status"),
]
