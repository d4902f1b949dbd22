from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic.base import RedirectView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # Pages link the icon; this answers browsers (and the Django admin) that ask the old way.
    path("favicon.ico", login_not_required(RedirectView.as_view(url=static("favicon.svg"), permanent=True))),
    path("accounts/", include("django.contrib.auth.urls")),
    path("programmes/", include("programmes.urls")),
    path("people/", include("people.urls")),
    path("enrol/", include("enrolment.urls")),
    path("close-out/", include("closeout.urls")),
    path("matching/", include("matching.urls")),
    path("choose/", include("matching.choice_urls")),
    path("pairings/", include("sessions.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "mentorship.views.permission_denied"
handler404 = "mentorship.views.page_not_found"
handler500 = "mentorship.views.server_error"
