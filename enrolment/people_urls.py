"""The people pages under one namespace: the list (with its enrolment filters and bulk enrolment) is
enrolment's, the import is people's. people/ sits below programmes, so the list cannot live there."""

from django.urls import path

from people import urls as people_urls

from . import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="person-list"),
    path("bulk/", views.person_bulk, name="person-bulk"),
    *people_urls.urlpatterns,
]
