from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("programmes/<int:pk>/", views.resource_list, name="resource-list"),
    path("programmes/<int:pk>/new/", views.resource_create, name="resource-create"),
    path("programmes/<int:pk>/guides/", views.guide_list, name="guide-list"),
    path("programmes/<int:pk>/guides/<str:stage>/reset/", views.guide_reset, name="guide-reset"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource-edit"),
    path("resources/<int:pk>/archive/", views.resource_archive, name="resource-archive"),
    path("resources/<int:pk>/restore/", views.resource_restore, name="resource-restore"),
    path("resources/<int:pk>/remove/", views.resource_delete, name="resource-delete"),
    path("resources/<int:pk>/share/", views.resource_share, name="resource-share"),
    path("pairings/<int:pk>/", views.pairing_shared, name="pairing-shared"),
    path("shared/<int:pk>/read/", views.shared_done, name="shared-done"),
    path("shared/<int:pk>/unshare/", views.shared_remove, name="shared-remove"),
]
