from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("cohorts/<int:cohort_pk>/run/", views.run_start, name="run-start"),
    path("cohorts/<int:cohort_pk>/compare/", views.run_compare, name="run-compare"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/status/", views.run_status, name="run-status"),
    path("runs/<int:pk>/rules/", views.pair_rule_set, name="pair-rule-set"),
    path("runs/<int:pk>/rules/<int:rule_pk>/clear/", views.pair_rule_clear, name="pair-rule-clear"),
    path("runs/<int:pk>/swap/", views.run_swap, name="run-swap"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
]
