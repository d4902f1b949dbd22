from django.urls import path

from . import checkin_views

urlpatterns = [
    path("<int:pk>/check-ins/new/", checkin_views.checkin_create, name="checkin-create"),
    path("check-ins/<str:token>/", checkin_views.checkin_answer, name="checkin-answer"),
    path("<int:pk>/flags/", checkin_views.pairing_flags, name="pairing-flags"),
    path("cohorts/<int:cohort_pk>/check-in-flags/", checkin_views.checkin_flags, name="checkin-flags"),
]
