from django.urls import path

from . import session_views

urlpatterns = [
    path("<int:pk>/sessions/new/", session_views.session_create, name="session-create"),
]
