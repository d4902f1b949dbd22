"""One namespace for the pair's workspace; each area keeps its routes in its own module."""

from . import answer_urls, checkin_urls, goal_urls, message_urls, session_urls, workspace_urls

app_name = "mentoring_sessions"

urlpatterns = [
    *workspace_urls.urlpatterns,
    *session_urls.urlpatterns,
    *goal_urls.urlpatterns,
    *checkin_urls.urlpatterns,
    *answer_urls.urlpatterns,
    *message_urls.urlpatterns,
]
