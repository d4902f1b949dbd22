from django.urls import path

from . import views

app_name = "mentoring_sessions"

urlpatterns = [
    path("", views.pairing_list, name="pairing-list"),
    path("<int:pk>/", views.pairing_detail, name="pairing-detail"),
    path("<int:pk>/sessions/new/", views.session_create, name="session-create"),
    path("<int:pk>/goals/new/", views.goal_create, name="goal-create"),
]
