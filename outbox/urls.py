from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.message_list, name="message-list"),
    path("<int:pk>/resend/", views.message_resend, name="message-resend"),
]
