from django.urls import path

from . import choice_views as views

app_name = "choice"

urlpatterns = [
    path("enrolments/<int:enrolment_pk>/", views.suggestions, name="suggestions"),
    path("enrolments/<int:enrolment_pk>/request/", views.request_create, name="request-create"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("requests/<int:pk>/accept/", views.request_accept, name="request-accept"),
    path("requests/<int:pk>/decline/", views.request_decline, name="request-decline"),
    path("cohorts/<int:cohort_pk>/", views.overview, name="overview"),
]
