from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.object_history, name="object-history"),
]
