"""The people list's rows, drawn in Python: 25 rows of seven cells through the template language
(a lookup, a filter and an escape per value) were most of the page's rendering time."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mentorship.ui import avatar

register = template.Library()

ROW = (
    '<tr><td><input class="form-check-input" type="checkbox" name="people" value="{pk}" '
    'aria-labelledby="select-word p{pk}"></td>'
    '<td><div class="d-flex gap-2 align-items-center">{avatar}<div><span id="p{pk}">{name}</span>'
    '{left}{not_activated}<br><span class="small text-body-secondary">{email}</span>'
    '<br><a class="small" href="{history}">{history_word}'
    '<span class="visually-hidden"> {history_of}</span></a>'
    "{erase}</div></div></td>"
    "<td>{employee_id}</td><td>{team}</td><td>{manager}</td><td>{hired}</td><td>{cohorts}</td></tr>"
)


ERASE = ' <a class="small link-danger" href="{url}">{word}<span class="visually-hidden"> {name}</span></a>'


@register.simple_tag
def person_rows(people, viewer_id=None) -> SafeString:
    """One <tr> per person of the page (selectors.person_list rows: team, manager, login and
    `current_enrolments` loaded). Its checkbox is named "Select" + the name cell (aria-labelledby).
    The viewer's own row has no "Erase…": an admin cannot erase themselves."""
    not_activated = format_html(' <span class="badge text-bg-warning">{}</span>', _("not activated"))
    # One reverse() a page: each row's address is this one with the row's id in its place.
    history = reverse("audit:object-history", args=["person", 987654321])
    erase = reverse("privacy:person-erase", args=[987654321])
    history_word = _("History")
    rows = []
    for person in people:
        left = ""
        if person.has_left():
            left = format_html(
                ' <span class="badge text-bg-secondary">{}</span>',
                _("left %(date)s") % {"date": date_filter(person.leave_date, "j M Y")},
            )
        enrolments = person.current_enrolments
        rows.append(
            format_html(
                ROW,
                pk=person.pk,
                erase=""
                if person.pk == viewer_id
                else format_html(
                    ERASE,
                    url=erase.replace("987654321", str(person.pk)),
                    word=_("Erase…"),
                    name=person.full_name,
                ),
                avatar=avatar(person, size="sm", decorative=True),
                name=person.full_name,
                left=left,
                not_activated="" if person.can_log_in else not_activated,
                email=person.email,
                employee_id=person.employee_id or "–",
                team=person.team.name if person.team_id else "–",
                manager=person.manager.full_name if person.manager_id else "–",
                hired=date_filter(person.hire_date, "j M Y"),
                history=history.replace("987654321", str(person.pk)),
                history_word=history_word,
                history_of=_("of %(name)s") % {"name": person.full_name},
                cohorts=format_html_join(
                    SafeString("<br>"), "{}, {}", ((e.get_role_display(), e.cohort.name) for e in enrolments)
                )
                if enrolments
                else "–",
            )
        )
    return SafeString("".join(rows))
