from django.urls import path

from . import chat_views, message_views, views

app_name = "programmes"

# The cohort page itself (cohort-detail) lives in dashboards, above the apps it reads: see mentorship/urls.py.

urlpatterns = [
    path("", views.programme_list, name="programme-list"),
    path("new/", views.programme_form, name="programme-create"),
    path("<int:pk>/", views.programme_detail, name="programme-detail"),
    path("<int:pk>/edit/", views.programme_form, name="programme-edit"),
    path("cohorts/", views.cohort_list, name="cohort-list"),
    path("cohorts/new/", views.cohort_create, name="cohort-create"),
    path("cohorts/<int:pk>/settings/", views.cohort_edit, name="cohort-edit"),
    path("cohorts/<int:pk>/chat/", chat_views.cohort_chat, name="cohort-chat"),
    path("cohorts/<int:pk>/chat/test/", chat_views.cohort_chat_test, name="cohort-chat-test"),
    path("cohorts/<int:pk>/move/<str:to>/", views.cohort_transition, name="cohort-transition"),
    path("cohorts/<int:pk>/messages/", message_views.cohort_messages, name="cohort-messages"),
    path("<int:pk>/wording/", message_views.wording_list, name="wording-list"),
    path("<int:pk>/wording/<str:kind>/", message_views.wording_edit, name="wording-edit"),
    path("<int:pk>/wording/<str:kind>/reset/", message_views.wording_reset, name="wording-reset"),
    path("<int:pk>/wording/<str:kind>/preview/", message_views.wording_preview, name="wording-preview"),
]
