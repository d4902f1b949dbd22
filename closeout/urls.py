from django.urls import path

from . import views

app_name = "closeout"

urlpatterns = [
    path("pairings/<int:pairing_pk>/end/", views.pairing_end, name="pairing-end"),
    path("enrolments/<int:enrolment_pk>/rematch/", views.rematch, name="rematch"),
    path("pairings/<int:pairing_pk>/reflection/", views.reflection, name="reflection"),
    path("cohorts/<int:cohort_pk>/survey/", views.survey, name="survey"),
    path("cohorts/<int:cohort_pk>/summary/", views.cohort_summary, name="cohort-summary"),
    path("pairings/<int:pairing_pk>/thanks/", views.thanks, name="thanks"),
    path("contribution/", views.mentor_contribution, name="contribution"),
    path("contribution/print/", views.mentor_contribution_print, name="contribution-print"),
    path("contribution.csv", views.mentor_contribution_csv, name="contribution-csv"),
]
