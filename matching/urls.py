from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run-publish"),
]
