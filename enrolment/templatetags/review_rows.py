"""The enrolment review's table of enrolled people, drawn in Python: 25 rows, each with translated
labels, choice names (Django rebuilds a choices dict on every get_FOO_display) and three to four
links, were most of the page's rendering time through the template language."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Enrolment

register = template.Library()

# Any id: each row's address is this route's with the row's id in its place, one reverse() a page.
_SOME_ID = 987654321


def _address_of(name: str, *args):
    pattern = reverse(name, args=[*args, _SOME_ID])
    return lambda pk: pattern.replace(str(_SOME_ID), str(pk))


@register.simple_tag(takes_context=True)
def enrolled_rows(context, enrolments, cohort) -> SafeString:
    """One <tr> per enrolment of the page (selectors.cohort_enrolments_for_review rows)."""
    roles, statuses = dict(Enrolment.Role.choices), dict(Enrolment.Status.choices)
    editable = not cohort.is_read_only
    capacity_url = _address_of("enrolment:mentor-capacity")
    resend_url = _address_of("enrolment:activation-resend")
    move_url, withdraw_url = _address_of("enrolment:move"), _address_of("enrolment:admin-withdraw")
    history_url = _address_of("audit:object-history", "enrolment")
    csrf = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token")
    )
    words = {
        "change": _("Change"),
        "active": _("active"),
        "not_activated": _("not activated"),
        "resend": _("Resend link"),
        "complete": _("complete"),
        "not_yet": _("not yet"),
        "paired": _("in an active pairing"),
        "move": _("Move"),
        "withdraw": _("Withdraw"),
        "history": _("History"),
    }
    rows = []
    for e in enrolments:
        name = e.person.full_name
        capacity = "–"
        if e.role == Enrolment.Role.MENTOR:
            capacity = ngettext(
                "%(taken)s of %(n)s place taken", "%(taken)s of %(n)s places taken", e.capacity
            ) % {"taken": e.mentees_taken, "n": e.capacity}
            if editable:
                capacity = format_html(
                    '{} · <a href="{}">{}<span class="visually-hidden"> {}</span></a>',
                    capacity,
                    capacity_url(e.pk),
                    words["change"],
                    _("the capacity of %(name)s") % {"name": name},
                )
        if e.person.can_log_in:
            login = words["active"]
        else:
            login = format_html('<span class="text-warning-emphasis">{}</span>', words["not_activated"])
            if e.person.email:
                login = format_html(
                    '{}<form method="post" action="{}" class="d-inline">{}'
                    '<button type="submit" class="btn btn-link btn-sm p-0 align-baseline">{}'
                    '<span class="visually-hidden"> {}</span></button></form>',
                    login,
                    resend_url(e.pk),
                    csrf,
                    words["resend"],
                    _("to %(name)s") % {"name": name},
                )
        actions = ""
        if e.paired:
            actions = format_html("<small>{}</small>", words["paired"])
        elif editable:
            actions = format_html(
                '<a href="{}">{}<span class="visually-hidden"> {}</span></a> · <a class="link-danger" '
                'href="{}">{}<span class="visually-hidden"> {}</span></a>',
                move_url(e.pk),
                words["move"],
                name,
                withdraw_url(e.pk),
                words["withdraw"],
                name,
            )
        actions = format_html(
            '{}{}<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            actions,
            " · " if actions else "",
            history_url(e.pk),
            words["history"],
            _("of the enrolment of %(name)s") % {"name": name},
        )
        rows.append(
            format_html(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                '<td class="text-end text-nowrap">{}</td></tr>',
                name,
                roles.get(e.role, e.role),
                statuses.get(e.status, e.status),
                capacity,
                login,
                words["complete"] if e.profile_complete else words["not_yet"],
                actions,
            )
        )
    return SafeString("".join(rows))
