"""Signed links that work without a login: each names one person and what it lets them do, and
nothing else (a changed id or kind breaks the signature)."""

import functools

from django.conf import settings
from django.core import signing
from django.urls import get_script_prefix, get_urlconf, reverse

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, person_id: int, kind: str) -> str:
    return signing.dumps({"p": person_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(person id, kind) from a token this site signed; None for anything else. Unsubscribe links do
    not expire: a mail client may offer the header's link months later."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["p"]), str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def unsubscribe_url(*, person_id: int, kind: str) -> str:
    # The route is reversed once per URLconf and script prefix, not once per email (a scan writes
    # thousands): a signed token holds only characters that reverse() leaves as they are
    # (URL-safe base64, ":" and "."), so putting it in the reversed path gives the same link.
    before, after = _unsubscribe_route(settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    return settings.SITE_URL + before + unsubscribe_token(person_id=person_id, kind=kind) + after


_SLOT = "SLOT"


@functools.lru_cache(maxsize=8)
def _unsubscribe_route(_root_urlconf, _urlconf, _script_prefix) -> tuple[str, str]:
    before, after = reverse("notifications:unsubscribe", args=[_SLOT]).split(_SLOT)
    return before, after


def absolute(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path
