"""A pair's messages to each other: writes (services) and the reads their pages share (selectors).

Only the two members of a pairing send or read its messages; admins and managers never do (the
pages go through `own_pairing`, which 404s everyone else). An ended pairing's messages stay
readable and take no new ones.

The other side is told of a message through `notifications.services.notify` (in-app, and an
email through the outbox), but once per *burst*: a message is told only when none of the author's
earlier messages in the pairing is still unread. The recipient reads them by opening the
workspace or the conversation; the next message after that is told again. So a quick exchange of
ten messages is one email, and nobody is told twice about messages they have not seen yet.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching import stamps
from matching.models import Pairing
from mentorship.todo import TodoItem
from people.models import Person

from .access import require_active
from .models import PairMessage

# How many messages the workspace shows; the rest are on the conversation page.
WORKSPACE_MESSAGES = 5
# Messages per page of the conversation.
PAGE_SIZE = 20
# How much of a message the email quotes.
EMAIL_EXCERPT_CHARS = 300


@transaction.atomic
def message_send(*, pairing: Pairing, author: Person, body: str) -> PairMessage:
    """Send `body` from `author` to the other member of an active pairing, telling them unless an
    earlier message of this burst is still unread (see the module's docstring)."""
    # The pairing's row serialises sends in it, so two messages sent at once cannot both see no
    # unread one before them and both email.
    pairing = (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("cohort__programme", "mentor__person", "mentee__person")
        .get(pk=pairing.pk)
    )
    if not pairing.has_member(author):
        raise ValidationError(_("Only the two people in this mentorship can send messages in it."))
    require_active(pairing)
    message = PairMessage(pairing=pairing, author=author, body=body.strip())
    message.full_clean()
    already_told = PairMessage.objects.filter(pairing=pairing, author=author, read_at__isnull=True).exists()
    message.save()
    if not already_told:
        _tell(message, pairing=pairing, author=author)
    return message


def _tell(message: PairMessage, *, pairing: Pairing, author: Person) -> None:
    from notifications.services import notify

    recipient = pairing.partner_of(author)
    notify(
        kind="pair_message",
        person=recipient,
        # The burst's first message: a later burst is another key.
        key=f"pair-message:{message.pk}",
        context={
            "excerpt": Truncator(message.body).chars(EMAIL_EXCERPT_CHARS),
            "author_is_mentor": pairing.mentor.person_id == author.pk,
            "pairing": pairing,
            "cohort": pairing.cohort,
            "programme": pairing.cohort.programme,
        },
        url=reverse("mentoring_sessions:pairing-messages", args=[pairing.pk]),
        actor=author,
        programme_id=pairing.cohort.programme_id,
        cohort_id=pairing.cohort_id,
    )


def messages_read(*, pairing: Pairing, reader: Person) -> int:
    """Mark every message `reader` has received in the pairing as read, in one query. Returns how
    many were unread. Called when they open the workspace or the conversation; not atomic of its
    own: one UPDATE is."""
    # The plain QuerySet.update (one UPDATE, its row count), not PairingContentQuerySet's, which
    # first reads the pairings it touches: here that is one pairing, known, and only replaced when
    # a row changed, so the pages the pair keep (sessions/pages.py) show the new read state.
    unread = PairMessage.objects.filter(pairing=pairing, read_at__isnull=True).exclude(author=reader)
    changed = models.QuerySet.update(unread, read_at=timezone.now())
    if changed:
        stamps.pairings_changed([pairing.pk])
    return changed


def latest_messages(pairing: Pairing, *, limit: int = WORKSPACE_MESSAGES) -> list[PairMessage]:
    """The pairing's latest messages, newest first, in one query (the authors are the pairing's
    two people, already loaded with it)."""
    found = list(PairMessage.objects.filter(pairing=pairing).order_by("-created_at", "-pk")[: limit + 1])
    people = {person.pk: person for person in pairing.members()}
    for message in found:
        message.author = people[message.author_id]
    return found


def workspace_part(pairing: Pairing, me: Person) -> dict:
    """What templates/sessions/_messages.html shows: the latest messages (read state as it was
    when the page was opened) and whether there are more, in one query. Marks what `me` received
    as read (one more when there is something to mark)."""
    found = latest_messages(pairing)
    for message in found:
        message.unread_by_me = message.is_unread_by(me)
    # Whatever `me` received arrives newest: with none of the latest unread there is nothing to
    # mark (older unread ones, from a tab left open, are marked by the conversation page).
    if any(message.unread_by_me for message in found):
        messages_read(pairing=pairing, reader=me)
    return {
        "pair_messages": found[:WORKSPACE_MESSAGES],
        "pair_messages_more": len(found) > WORKSPACE_MESSAGES,
    }


def conversation(pairing: Pairing):
    """Every message of the pairing, newest first, for the paginated conversation page."""
    return PairMessage.objects.filter(pairing=pairing).order_by("-created_at", "-pk")


def todo_for(person: Person, *, today) -> list[TodoItem]:
    """The home page's steps of messages for `person`: for each pairing with messages they have not
    read, one item leading to the conversation. One query."""
    unread = (
        PairMessage.objects.filter(
            Q(pairing__mentor__person=person) | Q(pairing__mentee__person=person), read_at__isnull=True
        )
        .exclude(author=person)
        .values("pairing_id", "author__full_name")
        .annotate(n=Count("pk"))
        .order_by("pairing_id")
    )
    return [
        TodoItem(
            kind="messages",
            title=ngettext(
                "Read %(n)d new message from %(name)s",
                "Read %(n)d new messages from %(name)s",
                row["n"],
            )
            % {"n": row["n"], "name": row["author__full_name"]},
            url=reverse("mentoring_sessions:pairing-messages", args=[row["pairing_id"]]),
            pairing_id=row["pairing_id"],
        )
        for row in unread
    ]
