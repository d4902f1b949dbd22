from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="mine"),
    path("export.json", views.export_json, name="export-json"),
    path("export.zip", views.export_csv, name="export-csv"),
    path("people/<int:pk>/erase/", views.person_erase, name="person-erase"),
]
