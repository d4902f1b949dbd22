"""Single sign-on (people/sso.py): both answer 404 while it is not configured."""

from django.urls import path

from . import sso

app_name = "sso"

urlpatterns = [
    path("login/", sso.SSOLoginView.as_view(), name="login"),
    path("callback/", sso.SSOCallbackView.as_view(), name="callback"),
]
