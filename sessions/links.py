"""Signed links in emails that act without a login: a pulse answer (one link per score) and
"confirm this session". Each token names one person and what it lets them do; a changed id breaks
the signature, and each use has its own salt, so no token opens another use's door."""

import dataclasses

from django.core import signing
from django.urls import reverse

from notifications.links import absolute

PULSE_ANSWER_SALT = "mentoring_sessions.pulse-answer"
SESSION_CONFIRM_SALT = "mentoring_sessions.session-confirm"

SCORES = range(1, 6)


class LinkInvalid(Exception):
    """Not a token this site signed for this use (tampered with, cut short, or another salt's)."""


@dataclasses.dataclass(frozen=True)
class PulseAnswerLink:
    person_id: int
    pairing_id: int
    period: int


@dataclasses.dataclass(frozen=True)
class SessionConfirmLink:
    person_id: int
    session_id: int


def pulse_answer_token(*, person_id: int, pairing_id: int, period: int) -> str:
    return signing.dumps({"p": person_id, "g": pairing_id, "n": period}, salt=PULSE_ANSWER_SALT)


def read_pulse_answer_token(token: str) -> PulseAnswerLink:
    """The link's person, pairing and period. It carries no expiry of its own: whether the period is
    still open is the pairing's arithmetic (sessions.checkins), asked when the link is followed."""
    try:
        data = signing.loads(token, salt=PULSE_ANSWER_SALT)
        return PulseAnswerLink(person_id=int(data["p"]), pairing_id=int(data["g"]), period=int(data["n"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc


def pulse_answer_urls(*, person_id: int, pairing_id: int, period: int) -> dict[int, str]:
    """{score: absolute link that records it} for the pulse email."""
    token = pulse_answer_token(person_id=person_id, pairing_id=pairing_id, period=period)
    # One reverse() for five links: a scan builds them for every member of every pairing, and each
    # score's route is the page's path plus "<score>/" (sessions/answer_urls.py; a test holds it).
    page = absolute(pulse_page_url(token))
    return {score: f"{page}{score}/" for score in SCORES}


def pulse_page_url(token: str) -> str:
    return reverse("mentoring_sessions:pulse-page", args=[token])


def session_confirm_token(*, person_id: int, session_id: int) -> str:
    return signing.dumps({"p": person_id, "s": session_id}, salt=SESSION_CONFIRM_SALT)


def read_session_confirm_token(token: str) -> SessionConfirmLink:
    """Confirming a session does not expire: a session logged months ago may still be confirmed
    while the pairing runs (the view asks)."""
    try:
        data = signing.loads(token, salt=SESSION_CONFIRM_SALT)
        return SessionConfirmLink(person_id=int(data["p"]), session_id=int(data["s"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise LinkInvalid from exc


def session_confirm_url(*, person_id: int, session_id: int) -> str:
    token = session_confirm_token(person_id=person_id, session_id=session_id)
    return absolute(reverse("mentoring_sessions:session-confirm-link", args=[token]))
