"""Guessing passwords and flooding "Forgot your password?" (issue 12).

Failed logins are counted and locked out by django-axes (settings, "Accounts"); this module gives it
the client's address and the page a locked-out person sees, and throttles password reset requests,
which axes does not watch, by address and by client IP in the shared cache.
"""

import datetime
import hashlib
import logging
import math
import time
from enum import Enum

from axes import utils as axes_utils
from axes.helpers import get_client_username
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

RESET_WINDOW = datetime.timedelta(hours=1)

log = logging.getLogger(__name__)


def client_ip(request) -> str | None:
    """The client's address. Behind TRUSTED_PROXY_COUNT proxies that each append the address they
    got to X-Forwarded-For, it is the one the outermost proxy saw: that many entries from the right.
    Entries further left come from the client and can be anything, so they are never taken."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def locked_out_page(request, *, wait: datetime.timedelta, reason: str):
    """The page (429, with Retry-After) for someone who must wait before trying again."""
    seconds = max(int(wait.total_seconds()), 60)
    response = render(
        request,
        "registration/locked_out.html",
        {"minutes": math.ceil(seconds / 60), "reason": reason},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


def without_password(request, credentials) -> bool:
    """AXES_WHITELIST_CALLABLE: an attempt without a username is not counted. Nothing was guessed
    (a single sign-on callback, where the provider checks the password and throttles), and counting
    it would key every such failure from one office address together: a few would lock everyone
    there out of single sign-on."""
    return not get_client_username(request, credentials)


def login_unlock(*, username: str) -> int:
    """Forget the failed logins of `username` from every address: they just chose a new password
    through a link sent to their email, which a guesser cannot do. Returns how many were forgotten."""
    return axes_utils.reset(username=username)


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: too many failed logins for this login from this address."""
    return locked_out_page(request, wait=settings.AXES_COOLOFF_TIME, reason="login")


class ResetVerdict(Enum):
    SEND = "send"
    # Enough links went to this address this hour: answer as usual, send nothing more.
    QUIET = "quiet"
    # Too many requests from this client: the lockout page.
    REFUSE = "refuse"


def _count(key: str) -> int:
    """One more in `key`'s count for the current hour of the clock. The hour is part of the key
    rather than left to the cache's expiry, so the window follows this process's clock (Redis
    expires keys by its own); the expiry only clears old counts away."""
    window = int(RESET_WINDOW.total_seconds())
    key = f"{key}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # gone between add and incr (evicted)
        cache.set(key, 1, timeout=window)
        return 1


def password_reset_wait() -> datetime.timedelta:
    """How long until the reset counts start again."""
    window = int(RESET_WINDOW.total_seconds())
    return datetime.timedelta(seconds=window - int(time.time()) % window)


def password_reset_verdict(request, *, email: str) -> ResetVerdict:
    """Counts a reset request, whether or not the address belongs to anyone: the answer depends only
    on what this client and this address were sent, so it says nothing about who has a login.
    The address is kept in the cache only as a digest."""
    ip = client_ip(request) or "unknown"
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    try:
        if _count(f"password-reset:ip:{ip}") > settings.PASSWORD_RESET_IP_LIMIT:
            return ResetVerdict.REFUSE
        if _count(f"password-reset:address:{digest}") > settings.PASSWORD_RESET_LIMIT:
            return ResetVerdict.QUIET
    except Exception:  # noqa: BLE001 - whatever the cache backend raises when its server is down
        # Someone locked out of their account needs this page most when things are failing: without
        # the cache the request goes through unthrottled rather than failing.
        log.warning("Password reset throttle skipped: the cache is unavailable", exc_info=True)
    return ResetVerdict.SEND
