"""The one way the project writes an email: a subject / text / HTML trio of templates, rendered
together, with optional text attachments. Sending goes through the outbox (outbox.services), never
straight from a request."""

from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_templated_email(*, template: str, context: dict) -> RenderedEmail:
    """Render `templates/emails/<template>_subject.txt`, `_body.txt` and `_body.html` with `context`.

    The subject is collapsed to a single line: templates end with a newline, and a newline in a
    header is rejected by Django (it would allow header injection).
    """
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    return RenderedEmail(
        subject=subject,
        text=render_to_string(f"emails/{template}_body.txt", context),
        html=render_to_string(f"emails/{template}_body.html", context),
    )


def build_email(
    *,
    rendered: RenderedEmail,
    to: list[str],
    attachments: list[tuple[str, str, str]] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """One multipart message from DEFAULT_FROM_EMAIL; `attachments` are (filename, text, mimetype)."""
    message = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text, to=to, headers=headers)
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    return message
