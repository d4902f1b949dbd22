from django.urls import path

from . import answer_views

urlpatterns = [
    path("pulse/<str:token>/", answer_views.pulse_page, name="pulse-page"),
    path("pulse/<str:token>/<int:score>/", answer_views.pulse_answer, name="pulse-answer"),
    path("sessions/confirm/<str:token>/", answer_views.session_confirm_link, name="session-confirm-link"),
]
