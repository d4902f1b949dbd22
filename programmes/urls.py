from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("cohorts/", views.cohort_list, name="cohort-list"),
    path("cohorts/new/", views.cohort_create, name="cohort-create"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort-detail"),
    path("cohorts/<int:pk>/match/", views.cohort_run_matching, name="cohort-run-matching"),
]
