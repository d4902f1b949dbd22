"""The one way the project sends email: a subject / text / HTML trio of templates, rendered together."""

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def send_templated_email(*, template: str, context: dict, to: list[str]) -> int:
    """Render `templates/emails/<template>_subject.txt`, `_body.txt` and `_body.html` with `context`
    and send them as one multipart message from DEFAULT_FROM_EMAIL. Returns the number sent (0 or 1).

    The subject is collapsed to a single line: templates end with a newline, and a newline in a
    header is rejected by Django (it would allow header injection).
    """
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    return message.send()
