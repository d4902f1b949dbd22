"""How long a login lasts (issue 12): signed out after SESSION_IDLE_MINUTES without a request, and
SESSION_COOKIE_AGE seconds after logging in whatever the activity.

The last-seen time lives in the session and is written at most once a minute: sessions are
cached_db, so every write is a database write, and writing on each request would cost every page a
query. The idle limit is therefore kept to within a minute, which is all it needs.
"""

import datetime
import time

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LAST_SEEN = "_idle_last_seen"
LOGGED_IN_AT = "_logged_in_at"
REFRESH_SECONDS = 60


def on_login(sender, request, user, **kwargs):
    """At login: seen now, and the session ends SESSION_COOKIE_AGE from now however often it is saved
    (an absolute date; a number of seconds would start again at every save)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = int(time.time())
    session[LAST_SEEN] = session[LOGGED_IN_AT] = now
    session.set_expiry(timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE))


def why_ended(session, now: int) -> str | None:
    """Why this logged-in session must end now (the message), or None while it may go on."""
    # The session's own expiry says the same, but a cache may keep a session past it (Redis
    # expires keys by its own clock): the login's age is checked here as well.
    logged_in_at = session.get(LOGGED_IN_AT)
    if logged_in_at is not None and now - logged_in_at > settings.SESSION_COOKIE_AGE:
        return _("Your login has ended: please log in again.")
    minutes = settings.SESSION_IDLE_MINUTES
    last_seen = session.get(LAST_SEEN)
    if minutes and last_seen is not None and now - last_seen > minutes * 60:
        return ngettext(
            "You were signed out after %(minutes)d minute without activity.",
            "You were signed out after %(minutes)d minutes without activity.",
            minutes,
        ) % {"minutes": minutes}
    return None


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Asking the session, not request.user: a request without a login costs no user query.
        if auth.SESSION_KEY in request.session:
            now = int(time.time())
            ended = why_ended(request.session, now)
            if ended:
                auth.logout(request)
                messages.info(request, ended)
                # The login page itself is shown with the message rather than sent to itself as next.
                if request.path != resolve_url(settings.LOGIN_URL):
                    return redirect_to_login(request.get_full_path())
            elif settings.SESSION_IDLE_MINUTES:
                last_seen = request.session.get(LAST_SEEN)
                # A clock that went back (now < last_seen) writes nothing until it passes it again.
                if last_seen is None or now - last_seen >= REFRESH_SECONDS:
                    request.session[LAST_SEEN] = now
        return self.get_response(request)
