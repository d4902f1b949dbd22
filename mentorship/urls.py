from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("programmes/", include("programmes.urls")),
    path("people/", include("people.urls")),
    path("enrol/", include("enrolment.urls")),
    path("close-out/", include("closeout.urls")),
    path("matching/", include("matching.urls")),
    path("choose/", include("matching.choice_urls")),
    path("pairings/", include("sessions.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("emails/", include("outbox.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "mentorship.views.permission_denied"
handler404 = "mentorship.views.page_not_found"
handler500 = "mentorship.views.server_error"
