from django.urls import path

from . import views

app_name = "agreements"

urlpatterns = [
    path("pairings/<int:pairing_pk>/", views.agreement, name="agreement"),
    path("pairings/<int:pairing_pk>/edit/", views.agreement_edit, name="agreement-edit"),
    path("pairings/<int:pairing_pk>/versions/", views.agreement_history, name="agreement-history"),
    path("programmes/<int:programme_pk>/", views.programme_agreements, name="programme"),
    path("programmes/<int:programme_pk>/template/", views.template_edit, name="template-edit"),
    path("programmes/<int:programme_pk>/template/reset/", views.template_reset, name="template-reset"),
    path("cohorts/<int:cohort_pk>/unsigned/", views.unsigned, name="unsigned"),
]
