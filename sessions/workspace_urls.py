from django.urls import path

from . import workspace_views

urlpatterns = [
    path("", workspace_views.pairing_list, name="pairing-list"),
    path("<int:pk>/", workspace_views.pairing_detail, name="pairing-detail"),
    path("<int:pk>/export.csv", workspace_views.pairing_export, name="pairing-export"),
]
