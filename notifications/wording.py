"""A programme's own wording of a kind of message: plain text with a few named placeholders.

Admins never write Django template syntax: a template could reach any attribute of the objects in
its context. The wording is filled by a regular expression from a whitelist of plain strings
that this module computes, so `{actor.user.password}` is not a placeholder but a form error.
"""

import re
from collections.abc import Mapping

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentorship.emails import RenderedEmail

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

# What each placeholder says, for the editor's help text.
DESCRIPTIONS = {
    "first_name": gettext_lazy("the recipient's first name"),
    "actor": gettext_lazy("the full name of the person who acted"),
    "cohort": gettext_lazy("the cohort's name"),
    "programme": gettext_lazy("the programme's name"),
    "link": gettext_lazy("the link the message asks them to open"),
}

_PERSONAL = ("first_name", "link")
_IN_A_COHORT = (*_PERSONAL, "actor", "cohort", "programme")
# Digests are about many cohorts (or a manager's teams), and nobody acted.
_BY_KIND = {
    "admin_digest": (*_PERSONAL, "programme"),
    "manager_digest": _PERSONAL,
}


def placeholders(kind: str) -> tuple[str, ...]:
    """The placeholders a wording of `kind` may use."""
    return _BY_KIND.get(kind, _IN_A_COHORT)


def problems(text: str, *, kind: str) -> list[str]:
    """Why `text` cannot be a wording of `kind` (empty when it can)."""
    allowed = placeholders(kind)
    found = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name not in allowed:
            found.append(
                _("{%(name)s} is not a placeholder of this message; use one of %(allowed)s.")
                % {"name": name, "allowed": ", ".join(f"{{{p}}}" for p in allowed)}
            )
    if "{" in PLACEHOLDER.sub("", text) or "}" in PLACEHOLDER.sub("", text):
        found.append(_("Curly braces are only for placeholders such as {first_name}."))
    return list(dict.fromkeys(found))


def fill(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1).strip(), ""), text)


def _name(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return str(value.get("name", ""))
    return str(getattr(value, "name", value))


def values(context: Mapping) -> dict[str, str]:
    """The placeholders' values from a notification's context (see notifications.services)."""
    cohort = context.get("cohort")
    programme = context.get("programme")
    if programme is None and cohort is not None:
        programme = (
            cohort.get("programme") if isinstance(cohort, Mapping) else getattr(cohort, "programme", None)
        )
    actor = context.get("actor")
    return {
        "first_name": str(context.get("first_name") or ""),
        "actor": str(getattr(actor, "full_name", "") or ""),
        "cohort": _name(cohort),
        "programme": _name(programme),
        "link": str(context.get("url") or ""),
    }


def example_values() -> dict[str, str]:
    """What the preview fills in."""
    return {
        "first_name": "Alex",
        "actor": "Sam Rivera",
        "cohort": _("Spring cohort"),
        "programme": _("Support mentoring"),
        "link": "https://mentorship.example.com/pairings/1/",
    }


def unsubscribe_footer(unsubscribe_url: str) -> str:
    """The plain text part's last lines: the one-click link the HTML part shows too."""
    return "\n--\n" + _("Stop emails like this: %(url)s") % {"url": unsubscribe_url} + "\n"


def render(*, subject: str, text: str, values: Mapping[str, str], unsubscribe_url: str = "") -> RenderedEmail:
    """The email of a programme's wording: the text as written, and the same text, escaped, in the
    product's email layout."""
    subject = " ".join(fill(subject, values).split())
    body = fill(text, values).strip()
    plain = body + "\n"
    if unsubscribe_url:
        plain += unsubscribe_footer(unsubscribe_url)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    html = render_to_string(
        "emails/custom_body.html",
        {"subject": subject, "paragraphs": paragraphs, "unsubscribe_url": unsubscribe_url},
    )
    return RenderedEmail(subject=subject, text=plain, html=html)
