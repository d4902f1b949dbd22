"""Chat incoming webhooks (Slack, Microsoft Teams): which service an address belongs to, the body
each expects, how to mask the address, and the one HTTP POST the outbox worker makes.

A webhook address is a secret: whoever has it can post to the channel. It is stored on the cohort
and on each owed post (so the post goes where it was owed, as an email goes to the address it was
rendered for), and is never shown in full, written to a log or kept in an error text.
"""

import datetime
import email.utils
import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

SLACK = "slack"
TEAMS = "teams"
MAX_LENGTH = 1000
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _host_channel(host: str) -> str | None:
    if host == "hooks.slack.com":
        return SLACK
    # Office 365 connectors (<tenant>.webhook.office.com) and Power Automate / Logic Apps
    # "when a Teams webhook request is received" workflows, old and new address forms.
    teams_suffixes = (".webhook.office.com", ".logic.azure.com", ".environment.api.powerplatform.com")
    if host.endswith(teams_suffixes):
        return TEAMS
    return None


def _path_channel(path: str) -> str | None:
    """A loopback test server stands in for a service by the service's path shape."""
    if path.startswith("/services/"):
        return SLACK
    if any(part in path for part in ("/webhookb2/", "/workflows/", "/powerautomate/")):
        return TEAMS
    return None


def webhook_channel(url: str) -> str:
    """SLACK or TEAMS for an incoming webhook address; a ValidationError in words for anything else.

    https only; plain http only to this machine, and only where CHAT_WEBHOOK_ALLOW_LOOPBACK is on
    (DEBUG, tests), so a test server can stand in for Slack or Teams."""
    if len(url) > MAX_LENGTH:
        raise ValidationError(_("This address is too long for a webhook."), code="too_long")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as exc:
        raise ValidationError(_("This is not a web address."), code="invalid") from exc
    if parts.username or parts.password:
        raise ValidationError(_("A webhook address has no user name or password in it."), code="userinfo")
    if parts.scheme == "http" and host in LOOPBACK_HOSTS and settings.CHAT_WEBHOOK_ALLOW_LOOPBACK:
        channel = _path_channel(parts.path)
        if channel is None:
            raise ValidationError(
                _("A local test address needs a Slack (/services/…) or Teams (/webhookb2/…) path."),
                code="unknown_local",
            )
        return channel
    if parts.scheme != "https":
        raise ValidationError(_("A webhook address must start with https://."), code="not_https")
    channel = _host_channel(host)
    if channel is None:
        raise ValidationError(
            _(
                "%(host)s is not a Slack or Microsoft Teams webhook address. Use a Slack incoming webhook "
                "(https://hooks.slack.com/services/…) or a Teams one (….webhook.office.com or a Power "
                "Automate workflow)."
            )
            % {"host": host or _("This")},
            code="unknown_host",
        )
    if channel == SLACK and not parts.path.startswith("/services/"):
        raise ValidationError(
            _("Use a Slack incoming webhook address: https://hooks.slack.com/services/…"), code="slack_path"
        )
    return channel


def validate_webhook_url(url: str) -> None:
    """Model and form validator: an empty value means no webhook."""
    if url:
        webhook_channel(url)


def mask(url: str) -> str:
    """Enough to recognise an address, never enough to use it: the host and the last four characters."""
    if not url:
        return ""
    host = urlsplit(url).hostname or ""
    return f"{host}/…{url[-4:]}"


# --- the body each service expects -----------------------------------------------------------


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(*, channel: str, text: str, link: str = "", link_label: str = "") -> dict:
    """The JSON body for `channel`: plain text (people's names are never markup) and a link."""
    link_label = link_label or _("Open")
    if channel == SLACK:
        # mrkdwn: <url|label> is Slack's link; &, < and > in text must be escaped or they become markup.
        body = _slack_escape(text)
        if link:
            body += f"\n<{link}|{_slack_escape(link_label)}>"
        return {"text": body, "unfurl_links": False}
    if channel == TEAMS:
        # An Adaptive Card message: accepted by both Office 365 connectors and Power Automate
        # workflows (which take nothing else).
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [{"type": "TextBlock", "text": text, "wrap": True}],
        }
        if link:
            card["actions"] = [{"type": "Action.OpenUrl", "title": link_label, "url": link}]
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }
    raise ValueError(f"unknown chat channel {channel!r}")


# --- the POST ----------------------------------------------------------------------------------


class PostFailed(Exception):
    """A post the service did not take. `retry`: worth trying again (timeouts, 5xx, 429);
    `retry_after`: how long the service asked us to wait (429 or 503 with Retry-After)."""

    def __init__(self, reason: str, *, retry: bool, retry_after: datetime.timedelta | None = None):
        super().__init__(reason)
        self.retry = retry
        self.retry_after = retry_after


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A webhook answers where it is asked; following a redirect would re-send the body as a GET
    # (urllib's rule) somewhere else.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def retry_after(value: str | None, *, now: datetime.datetime) -> datetime.timedelta | None:
    """Retry-After as seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return datetime.timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return max(when - now, datetime.timedelta(0))


def post(*, url: str, body: dict, timeout: float | None = None) -> None:
    """POST `body` as JSON; return on 2xx, raise PostFailed otherwise. No reason names the address."""
    timeout = settings.CHAT_WEBHOOK_TIMEOUT_SECONDS if timeout is None else timeout
    request = urllib.request.Request(  # noqa: S310 - the scheme was checked by webhook_channel
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "mentorship-outbox"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(2048)
    except urllib.error.HTTPError as error:
        detail = _excerpt(error)
        reason = f"HTTP {error.code}{': ' + detail if detail else ''}"
        if error.code == 429 or error.code >= 500:
            wait = retry_after(error.headers.get("Retry-After"), now=timezone.now())
            raise PostFailed(reason, retry=True, retry_after=wait) from None
        # Any other 4xx (or a redirect): the address or the body is wrong, and the same post would
        # be refused again.
        raise PostFailed(reason, retry=False) from None
    except TimeoutError:
        raise PostFailed(_no_answer(timeout), retry=True) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise PostFailed(_no_answer(timeout), retry=True) from None
        raise PostFailed(f"Could not connect: {error.reason}", retry=True) from None


def _no_answer(timeout: float) -> str:
    return f"No answer within {timeout:g} s"


def _excerpt(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(200).decode("utf-8", "replace").strip()
    except (OSError, ValueError):
        return ""
