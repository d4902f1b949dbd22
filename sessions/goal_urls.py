from django.urls import path

from . import goal_views

urlpatterns = [
    path("<int:pk>/goals/new/", goal_views.goal_create, name="goal-create"),
    path("<int:pk>/goals/<int:goal_pk>/", goal_views.goal_detail, name="goal-detail"),
    path("<int:pk>/goals/<int:goal_pk>/progress/", goal_views.goal_update, name="goal-update"),
    path("<int:pk>/goals/<int:goal_pk>/status/", goal_views.goal_status, name="goal-status"),
    path("<int:pk>/goals/<int:goal_pk>/milestones/", goal_views.milestone_add, name="goal-milestone-add"),
    path(
        "<int:pk>/goals/<int:goal_pk>/milestones/<int:milestone_pk>/done/",
        goal_views.milestone_complete,
        name="goal-milestone-done",
    ),
    path("<int:pk>/goals/<int:goal_pk>/comments/", goal_views.goal_comment, name="goal-comment"),
    path("goal-templates/", goal_views.template_list, name="goal-templates"),
    path("goal-templates/new/", goal_views.template_edit, name="goal-template-create"),
    path("goal-templates/<int:template_pk>/", goal_views.template_edit, name="goal-template-edit"),
]
