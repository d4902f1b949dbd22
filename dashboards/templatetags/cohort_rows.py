"""The cohort page's lists of mentors, mentees and everyone else, drawn in Python: 30 rows through
the template language (a plural form, joins and links in each) were most of the page's rendering."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Enrolment

register = template.Library()

# Any id: each row's address is this route's with the row's id in its place, one reverse() a list.
_SOME_ID = 987654321


def _address_of(name: str):
    pattern = reverse(name, args=[_SOME_ID])
    return lambda pk: pattern.replace(str(_SOME_ID), str(pk))


def _who(e, not_activated) -> SafeString:
    return format_html(
        '<span>{} <small class="text-body-secondary">{}</small>{}</span>',
        e.person.full_name,
        e.person.team.name if e.person.team_id else "",
        "" if e.person.can_log_in else not_activated,
    )


def _not_activated() -> SafeString:
    return format_html(' <span class="badge text-bg-warning">{}</span>', _("not activated"))


ROW = '<li class="list-group-item d-flex justify-content-between flex-wrap gap-2">{}<small>{}</small></li>'


@register.simple_tag
def mentor_rows(mentors) -> SafeString:
    """A page of active mentors (cohort_selectors.with_partners rows): places, current mentees and
    those who completed with them."""
    not_activated = _not_activated()
    rows = []
    for e in mentors:
        said = ngettext("%(n)s slot", "%(n)s slots", e.capacity) % {"n": e.capacity}
        if e.partners:
            said += " · " + ", ".join(e.partners)
        if e.completed_partners:
            said += " · " + _("completed with %(who)s") % {"who": ", ".join(e.completed_partners)}
        rows.append(format_html(ROW, _who(e, not_activated), said))
    return SafeString("".join(rows))


@register.simple_tag
def mentee_rows(mentees, cohort) -> SafeString:
    """A page of active mentees (with_partners rows): their mentor, or how their pairing ended,
    with ending early or finding a mentor while the cohort is active."""
    not_activated = _not_activated()
    active = cohort.is_active
    end_url, rematch_url = _address_of("closeout:pairing-end"), _address_of("closeout:rematch")
    end_early, find = _("End early"), _("Find a mentor")
    rows = []
    for e in mentees:
        ended = e.ended_pairing
        if e.partners:
            said = format_html("{}", _("with %(who)s") % {"who": ", ".join(e.partners)})
            if active:
                said = format_html('{} · <a href="{}">{}</a>', said, end_url(e.active_pairing.pk), end_early)
        elif ended is not None and ended.is_completed:
            said = format_html("{}", _("completed with %(who)s") % {"who": ended.mentor_name})
        else:
            said = format_html('<span class="text-warning-emphasis">{}</span>', _("not matched"))
            if ended is not None:
                said = format_html(
                    "{} · {}", said, _("ended early with %(who)s") % {"who": ended.mentor_name}
                )
            if active:
                said = format_html('{} · <a href="{}">{}</a>', said, rematch_url(e.pk), find)
        rows.append(format_html(ROW, _who(e, not_activated), said))
    return SafeString("".join(rows))


@register.simple_tag
def other_rows(others) -> SafeString:
    """A page of people applied, waitlisted or withdrawn: their role and status."""
    roles, statuses = dict(Enrolment.Role.choices), dict(Enrolment.Status.choices)
    return SafeString(
        "".join(
            format_html(
                '<li class="list-group-item d-flex justify-content-between"><span>{}</span>'
                "<small>{} · {}</small></li>",
                e.person.full_name,
                roles.get(e.role, e.role),
                statuses.get(e.status, e.status),
            )
            for e in others
        )
    )
