from django.contrib import admin
from django.urls import include, path

from dashboards import cohort_views
from home import views as home_views
from programmes import urls as programme_urls

from . import views

# The admin's cohort page gathers matching, check-ins and close-out, so its view lives in dashboards
# (above them all, where programmes may not reach); it keeps its place in the programmes namespace.
programme_patterns = [
    *programme_urls.urlpatterns,
    path("cohorts/<int:pk>/", cohort_views.cohort_detail, name="cohort-detail"),
]


urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    # Pages link the icon; this answers browsers (and the Django admin) that ask the old way.
    path("favicon.ico", views.favicon),
    path("accounts/", include("people.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/sso/", include("people.sso_urls")),
    path("programmes/", include((programme_patterns, programme_urls.app_name))),
    path("people/", include("enrolment.people_urls")),
    path("enrol/", include("enrolment.urls")),
    path("close-out/", include("closeout.urls")),
    path("matching/", include("matching.urls")),
    path("choose/", include("matching.choice_urls")),
    path("pairings/", include("sessions.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("kpis/", include("kpis.urls")),
    path("emails/", include("outbox.urls")),
    path("notifications/", include("notifications.urls")),
    path("training/", include("training.urls")),
    path("agreements/", include("agreements.urls")),
    path("library/", include("library.urls")),
    path("history/", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "mentorship.views.permission_denied"
handler404 = "mentorship.views.page_not_found"
handler500 = "mentorship.views.server_error"
