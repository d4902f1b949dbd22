"""Login, password reset and activation, ahead of django.contrib.auth.urls (mentorship/urls.py), so the
product's own versions answer at Django's names."""

from django.urls import path

from . import account_views

urlpatterns = [
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("password_reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("activate/<uidb64>/<token>/", account_views.ActivateView.as_view(), name="account-activate"),
]
