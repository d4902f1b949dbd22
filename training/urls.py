from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("modules/<int:pk>/", views.module_detail, name="module"),
    path("programmes/<int:programme_pk>/", views.programme_modules, name="programme-modules"),
    path("programmes/<int:programme_pk>/new/", views.module_form, name="module-create"),
    path("modules/<int:pk>/edit/", views.module_form, name="module-edit"),
    path("modules/<int:pk>/move/<str:direction>/", views.module_move, name="module-move"),
    path("modules/<int:pk>/remove/", views.module_delete, name="module-delete"),
    path("cohorts/<int:cohort_pk>/", views.cohort_completion, name="cohort-completion"),
]
