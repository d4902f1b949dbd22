"""Reading lifecycle messages in tests as people receive them: every email the outbox holds is sent
through outbox.services.message_send (the locmem backend), then parsed back with Python's `email`
package, as a mail client would."""

import dataclasses
import email
import email.policy

from django.core import mail

from notifications.models import Notification
from outbox.models import Message
from outbox.services import message_send
from tests.factories import PersonFactory


@dataclasses.dataclass
class Received:
    to: str
    subject: str
    text: str
    html: str
    attachments: dict[str, str]  # filename: content
    headers: email.message.EmailMessage


def _parse(raw: bytes) -> Received:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None, "an email has both a text and an HTML part"
    attachments = {part.get_filename(): part.get_content() for part in parsed.iter_attachments()}
    return Received(
        to=str(parsed["To"]),
        subject=str(parsed["Subject"]),
        text=text.get_content(),
        html=html.get_content(),
        attachments=attachments,
        headers=parsed,
    )


def deliver(**filters) -> list[Received]:
    """Send every pending outbox message matching `filters` at its own time (one held for the
    person's working hours too), and return what arrived, parsed."""
    mail.outbox.clear()
    for message in Message.objects.filter(status=Message.Status.PENDING, **filters).order_by("pk"):
        assert message_send(message_id=message.pk, now=message.next_attempt_at)
    return [_parse(sent.message().as_bytes()) for sent in mail.outbox]


def notices(kind: str) -> list[tuple[int, str]]:
    """(person id, key) of every notification of `kind`, in a stable order."""
    return sorted(Notification.objects.filter(kind=kind).values_list("person_id", "key"))


def programme_admin(world, full_name: str = "Priya Shah"):
    """The world's admin login as a named person, so messages can name who acted."""
    return PersonFactory(user=world.admin, full_name=full_name, email="priya@example.com")


def tell_broadcasts() -> int:
    """Tell every pending broadcast (a whole cohort's message) as the worker does after commit;
    returns how many were told."""
    from notifications.broadcasts import broadcast_tell
    from notifications.models import Broadcast

    pending = Broadcast.objects.filter(status=Broadcast.Status.PENDING).values_list("pk", flat=True)
    return sum(broadcast_tell(broadcast_id=pk) for pk in list(pending))
