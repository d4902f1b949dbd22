from django.urls import path

from . import goal_views

urlpatterns = [
    path("<int:pk>/goals/new/", goal_views.goal_create, name="goal-create"),
]
