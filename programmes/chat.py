"""A cohort's chat channel: an optional Slack or Microsoft Teams incoming webhook where programme
admins read the weekly digest and at-risk alerts.

Every post goes through the outbox (outbox.services.post_enqueue): recorded in the transaction
that owes it, once per key, and sent after commit by a worker with the emails' timeouts, retries
and visible failures. What is posted names pairs and links to admin pages; never a private note,
a check-in comment or a blocker's words (the channel may be wider than the programme's admins).
"""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.history import attribute
from notifications import links
from outbox.models import Message
from outbox.services import OwedPost, post_enqueue, posts_enqueue

from .models import Cohort


@dataclass(frozen=True)
class ChatPost:
    """One post owed to a cohort's channel (for `chat_post_many`)."""

    cohort: Cohort
    key: str
    text: str
    link: str | None = None
    link_label: str = ""


def _owed(post: ChatPost) -> OwedPost | None:
    cohort = post.cohort
    if not cohort.posts_to_chat():
        return None
    return OwedPost(
        # The cohort is part of every key: the same alert in two cohorts is two posts.
        key=f"chat:{cohort.pk}:{post.key}"[:200],
        kind=f"chat:{post.key.split(':', 1)[0]}"[:60],
        channel=cohort.chat_channel,
        endpoint=cohort.chat_webhook_url,
        text=post.text,
        link=links.absolute(post.link) if post.link else "",
        link_label=post.link_label,
        cohort_id=cohort.pk,
    )


def chat_post(*, cohort: Cohort, key: str, text: str, link: str | None = None, link_label: str = ""):
    """Owe one post to the cohort's channel, once per `key` ("what:object:period", e.g.
    "silent:12:2026-W45"); sent after the caller's transaction commits, nothing if it rolls back.
    `link` is a path or an absolute URL. Returns the outbox message, or None when the cohort has no
    usable webhook or is closed."""
    owed = _owed(ChatPost(cohort=cohort, key=key, text=text, link=link, link_label=link_label))
    return post_enqueue(owed) if owed else None


def chat_post_many(posts: Iterable[ChatPost]) -> dict[str, int]:
    """`chat_post` for many posts in a fixed number of queries (scans over many pairs); the posts'
    cohorts are expected loaded. Returns {outbox key: message id}."""
    return posts_enqueue(owed for owed in map(_owed, posts) if owed is not None)


# --- the setting -----------------------------------------------------------------------------


@transaction.atomic
def cohort_chat_webhook_set(*, cohort: Cohort, url: str) -> Cohort:
    """Set (or, with "", remove) the cohort's webhook. Posts already owed keep the address they
    were owed to, as an email keeps its recipient."""
    cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if cohort.is_read_only:
        raise ValidationError(_("This cohort is closed: its settings are read-only."))
    cohort.chat_webhook_url = url.strip()
    cohort.full_clean()
    # History leaves the address out (a secret), so the reason is all it says of this change.
    attribute(
        cohort, reason=_("Chat webhook set.") if cohort.chat_webhook_url else _("Chat webhook removed.")
    )
    cohort.save(update_fields=["chat_webhook_url"])
    return cohort


@transaction.atomic
def chat_test_send(*, cohort: Cohort, by, now: datetime.datetime | None = None) -> Message:
    """Owe a test post to the cohort's channel, so an admin sees the webhook work (or the reason it
    does not in the message log). Once per address and minute: a double click posts once."""
    now = now or timezone.now()
    if not cohort.posts_to_chat():
        raise ValidationError(_("Add a webhook address first: there is nowhere to post a test message."))
    address = hashlib.sha256(cohort.chat_webhook_url.encode()).hexdigest()[:12]
    text = _(
        "Test message from Mentorship for %(cohort)s. The weekly admin digest and alerts about pairs "
        "at risk in this cohort will be posted here."
    ) % {"cohort": cohort}
    if by.get_full_name():
        text += " " + _("Sent by %(name)s.") % {"name": by.get_full_name()}
    message = chat_post(
        cohort=cohort,
        key=f"test:{address}:{now:%Y%m%d%H%M}",
        text=text,
        link=cohort.get_absolute_url(),
        link_label=_("Open the cohort"),
    )
    assert message is not None  # posts_to_chat() said there is a webhook
    return message
