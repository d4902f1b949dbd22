from django.urls import path

from . import session_views

urlpatterns = [
    path("<int:pk>/sessions/new/", session_views.session_create, name="session-create"),
    path("<int:pk>/sessions/schedule/", session_views.session_schedule, name="session-schedule"),
    path(
        "<int:pk>/sessions/schedule/<int:scheduled_pk>/",
        session_views.session_schedule_edit,
        name="session-schedule-edit",
    ),
    path(
        "<int:pk>/sessions/schedule/<int:scheduled_pk>/invite.ics",
        session_views.session_ics,
        name="session-ics",
    ),
    path("<int:pk>/sessions/<int:session_pk>/", session_views.session_detail, name="session-detail"),
    path(
        "<int:pk>/sessions/<int:session_pk>/confirm/",
        session_views.session_confirm,
        name="session-confirm",
    ),
]
