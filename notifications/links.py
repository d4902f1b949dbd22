"""Signed links that work without a login: each names one person and what it lets them do, and
nothing else (a changed id or kind breaks the signature)."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

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
    path = reverse("notifications:unsubscribe", args=[unsubscribe_token(person_id=person_id, kind=kind)])
    return settings.SITE_URL + path


def absolute(path: str) -> str:
    return settings.SITE_URL + path if path.startswith("/") else path
