from django.urls import path

from . import message_views

urlpatterns = [
    path("<int:pk>/messages/", message_views.pairing_messages, name="pairing-messages"),
]
