"""The product's look, as template tags (`{% load ui %}`): initials avatars, page headers and empty
states. Each builds its HTML with format_html, without a template of its own, because base.html and
every list draw them: no template lookup, no query, a few microseconds.

    {% avatar person %}                       initials in a circle, the person's name as its label
    {% avatar person size="sm" decorative=True %}   beside the written name: hidden from screen readers
    {% page_header title subtitle=... icon="people" %}<a class="btn ...">...</a>{% endpage_header %}
    {% page_header title back=url back_label="Back to the workspace" %}{% endpage_header %}
    {% empty_state icon="people" title=... %}<p>What to do next</p> <a ...>Do it</a>{% endempty_state %}

Icons are Bootstrap Icons (static/vendor/bootstrap-icons): `<i class="bi bi-NAME" aria-hidden="true"></i>`.
"""

import unicodedata

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# Avatar backgrounds: each has at least 4.5:1 contrast with the white initials on it (WCAG AA), and
# neighbouring ids get different hues.
AVATAR_COLOURS = (
    "#1e40af",  # blue
    "#9a3412",  # orange
    "#166534",  # green
    "#6b21a8",  # purple
    "#9d174d",  # pink
    "#115e59",  # teal
    "#854d0e",  # amber
    "#3f3f46",  # grey
    "#b91c1c",  # red
    "#0e7490",  # cyan
)
AVATAR_SIZES = {"sm": "avatar avatar-sm", "md": "avatar", "lg": "avatar avatar-lg"}


def initials(name: str) -> str:
    """Up to two letters for a name: the first letters of its first and last words ("Ada
    Lovelace" -> "AL", "Ada" -> "A", "Élodie de la Tour" -> "ÉT"); "?" for a name with no letter."""
    words = [word for word in (name or "").split() if any(ch.isalnum() for ch in word)]
    if not words:
        return "?"
    picked = [words[0]] if len(words) == 1 else [words[0], words[-1]]
    letters = []
    for word in picked:
        # The first letter or digit, skipping quotes and brackets ("'Bo'" -> "B").
        letter = next(ch for ch in word if ch.isalnum())
        # Composed, so an accented letter typed as letter + combining mark stays one character.
        letters.append(unicodedata.normalize("NFC", letter + _combining_after(word, letter)).upper())
    return "".join(letters)


def _combining_after(word: str, letter: str) -> str:
    rest = word[word.index(letter) + 1 :]
    marks = ""
    for ch in rest:
        if not unicodedata.combining(ch):
            break
        marks += ch
    return marks


def avatar_shade(person_id) -> int:
    """The same colour for a person on every page (from their id), as an index into AVATAR_COLOURS;
    grey when there is no id. Pages draw it with the class avatar-<index> (static/css/app.css): the
    Content-Security-Policy refuses style attributes."""
    if person_id is None:
        return 7
    return int(person_id) % len(AVATAR_COLOURS)


def avatar_colour(person_id) -> str:
    return AVATAR_COLOURS[avatar_shade(person_id)]


@register.simple_tag
def avatar(person, size="md", decorative=False):
    """A person's initials avatar; `person` is a Person (or anything with `full_name` and `pk`).
    Labelled with their name for screen readers unless `decorative` (the name is written beside it)."""
    if person is None:
        return ""
    name = getattr(person, "full_name", "") or str(person)
    classes = AVATAR_SIZES.get(size, AVATAR_SIZES["md"])
    shade = avatar_shade(getattr(person, "pk", None))
    if decorative:
        return format_html(
            '<span class="{} avatar-{}" aria-hidden="true">{}</span>', classes, shade, initials(name)
        )
    return format_html(
        '<span class="{} avatar-{}" role="img" aria-label="{}">{}</span>',
        classes,
        shade,
        name,
        initials(name),
    )


def _icon(name) -> str:
    return format_html('<i class="bi bi-{}" aria-hidden="true"></i> ', name) if name else ""


class _BlockNode(template.Node):
    def __init__(self, nodelist, args, kwargs, render):
        self.nodelist, self.args, self.kwargs, self.render_parts = nodelist, args, kwargs, render

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {key: value.resolve(context) for key, value in self.kwargs.items()}
        return self.render_parts(self.nodelist.render(context).strip(), *args, **kwargs)


def _block_tag(name, render):
    """Register `{% name args... %}inner{% endname %}`: `render(inner_html, *args, **kwargs)`."""

    def compile_tag(parser, token):
        bits = token.split_contents()[1:]
        args, kwargs = [], {}
        for bit in bits:
            key, sep, value = bit.partition("=")
            if sep and key.isidentifier():
                kwargs[key] = parser.compile_filter(value)
            else:
                args.append(parser.compile_filter(bit))
        nodelist = parser.parse((f"end{name}",))
        parser.delete_first_token()
        return _BlockNode(nodelist, args, kwargs, render)

    register.tag(name, compile_tag)


def _page_header(actions, title, subtitle="", icon="", level=1, back="", back_label=""):
    """The page's heading (h1 unless `level`), a line under it, and its main actions on the right;
    with `back` (a URL), a link above the heading to the page this one belongs to (`back_label`
    names it: "Back to the workspace"), drawn as base.html draws a view's `back_url`."""
    heading = format_html('<h{} class="h3">{}{}</h{}>', level, _icon(icon), title, level)
    lead = format_html('<p class="text-body-secondary mb-0 mt-1">{}</p>', subtitle) if subtitle else ""
    side = format_html('<div class="page-actions">{}</div>', mark_safe(actions)) if actions else ""  # noqa: S308 (rendered template)
    up = (
        format_html(
            '<p class="page-back"><a class="link-secondary" href="{}">&larr; {}</a></p>',
            back,
            back_label or _("Back"),
        )
        if back
        else ""
    )
    return format_html('<div class="page-header"><div>{}{}{}</div>{}</div>', up, heading, lead, side)


def _empty_state(inner, title, icon="inbox"):
    """A list with nothing in it: an icon, what is missing (`title`) and, inside, what to do next."""
    return format_html(
        '<div class="empty-state">{}<p class="fw-semibold mb-1">{}</p>{}</div>',
        format_html('<i class="bi bi-{}" aria-hidden="true"></i>', icon),
        title,
        mark_safe(inner),  # noqa: S308 (rendered template)
    )


_block_tag("page_header", _page_header)
_block_tag("empty_state", _empty_state)


@register.simple_tag
def icon(name):
    """`{% icon "people" %}`: the decorative <i> for a Bootstrap icon (a label goes beside it)."""
    return _icon(name)


# The navigation's sections by where their pages live; the longest prefix of the request's path wins
# (the cohort pages under /programmes/cohorts/ are "cohorts", not "programmes"). Reversed once per
# script prefix: the navigation asks on every page.
NAV_SECTIONS = (
    ("mentoring", "mentoring_sessions:pairing-list", ""),
    ("goal-templates", "mentoring_sessions:goal-templates", ""),
    ("mine", "enrolment:mine", ""),
    ("training", "training:mine", ""),
    ("cohorts", "enrolment:mine", "cohorts/"),  # enrolling and reviewing a cohort's people
    ("programmes", "programmes:programme-list", ""),
    ("cohorts", "programmes:cohort-list", ""),
    ("cohorts", "matching:run-start", None),
    ("cohorts", "closeout:cohort-summary", None),
    ("people", "people:person-list", ""),
    ("dashboard", "dashboards:overview", ""),
    ("health", "dashboards:health", ""),
    ("kpis", "kpis:import", ""),
    ("emails", "outbox:message-list", ""),
    ("notifications", "notifications:list", ""),
)
_nav_prefixes: dict[str, list[tuple[str, str]]] = {}


def _app_root(name) -> str:
    """The first path segment of a route that takes an id: /matching/cohorts/1/run/ -> /matching/."""
    path = reverse(name, args=[1])
    return "/" + path.strip("/").split("/")[0] + "/"


def _prefixes() -> list[tuple[str, str]]:
    script = get_script_prefix()
    if script not in _nav_prefixes:
        table = []
        for section, name, tail in NAV_SECTIONS:
            try:
                table.append((_app_root(name) if tail is None else reverse(name) + tail, section))
            except NoReverseMatch:  # a route this set-up does not have: no section
                continue
        _nav_prefixes[script] = sorted(table, key=lambda row: len(row[0]), reverse=True)
    return _nav_prefixes[script]


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """`{% nav_section as section %}`: which navigation item the current page belongs to ("" none)."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    for prefix, section in _prefixes():
        if path.startswith(prefix):
            return section
    return ""


@register.simple_tag
def brand_settings():
    """`{% brand_settings as brand %}`: the product's name and colours where no request is (emails)."""
    return settings.BRAND


# Fields that take the section's whole width; the others (a number, a date, a select) go two a row.
WIDE_WIDGETS = {"checkboxselectmultiple", "radioselect", "textarea", "checkbox", "traitmodes"}


@register.simple_tag
def form_sections(form):
    """`{% form_sections form as sections %}`: the form's fields grouped as its `sections` say
    ((legend, help text, field names), ...), for includes/form_sections.html. Fields no section names
    come last under no legend, so a field added to the form is never lost from the page."""
    named = set()
    groups = []
    for legend, help_text, names in getattr(form, "sections", ()):
        fields = [form[name] for name in names if name in form.fields]
        named.update(names)
        if fields:
            groups.append({"legend": legend, "help": help_text, "fields": _cells(fields)})
    rest = [field for field in form if field.name not in named]
    if rest:
        groups.append({"legend": "", "help": "", "fields": _cells(rest)})
    return groups


def _cells(fields):
    return [{"field": field, "wide": field.widget_type in WIDE_WIDGETS} for field in fields]


# The navigation bar's links, drawn by one tag: base.html renders on every request, and Django walks
# a base template's whole node tree on each render of a page that extends it, so forty {% if %},
# {% url %} and {% translate %} nodes cost more than building the same HTML here.
_ROUTES: dict[str, dict[str, str]] = {}
NAV_ROUTES = (
    "home",
    "logout",
    "mentoring_sessions:pairing-list",
    "enrolment:mine",
    "training:mine",
    "closeout:contribution",
    "programmes:programme-list",
    "programmes:cohort-list",
    "people:person-list",
    "dashboards:overview",
    "dashboards:health",
    "kpis:import",
    "mentoring_sessions:goal-templates",
    "outbox:message-list",
    "notifications:list",
    "notifications:settings",
    "privacy:mine",
)


def _routes() -> dict[str, str]:
    script = get_script_prefix()
    if script not in _ROUTES:
        _ROUTES[script] = {name: reverse(name) for name in NAV_ROUTES}
    return _ROUTES[script]


def _item(routes, section, current, route, icon_name, label):
    here = section == current
    return format_html(
        '<li class="nav-item"><a class="nav-link{}" href="{}">'
        '<i class="bi bi-{}" aria-hidden="true"></i>{}</a></li>',
        mark_safe(' active" aria-current="page') if here else "",  # noqa: S308 (a constant)
        routes[route],
        icon_name,
        label,
    )


def _menu_item(routes, section, current, route, icon_name, label):
    here = section == current
    return format_html(
        '<li><a class="dropdown-item{}" href="{}"><i class="bi bi-{}" aria-hidden="true"></i> {}</a></li>',
        mark_safe(' active" aria-current="page') if here else "",  # noqa: S308 (a constant)
        routes[route],
        icon_name,
        label,
    )


@register.simple_tag(takes_context=True)
def navigation(context):
    """The links of the navigation bar for the person looking (base.html's flags from
    people.context_processors.roles), the current page's item marked."""
    routes = _routes()
    current = nav_section(context)
    person = context.get("current_person")
    admin = context.get("can_manage_programmes")
    main = []
    if context.get("has_pairings"):
        pairs = "mentoring_sessions:pairing-list"
        main.append(_item(routes, "mentoring", current, pairs, "people", _("My mentoring")))
    if person:
        main.append(_item(routes, "mine", current, "enrolment:mine", "journal-bookmark", _("My programmes")))
        main.append(_item(routes, "training", current, "training:mine", "mortarboard", _("My training")))
    if admin:
        main += [
            _item(routes, "programmes", current, "programmes:programme-list", "collection", _("Programmes")),
            _item(routes, "cohorts", current, "programmes:cohort-list", "diagram-3", _("Cohorts")),
            _item(routes, "people", current, "people:person-list", "person-vcard", _("People")),
        ]
    if context.get("can_view_dashboard"):
        main.append(_item(routes, "dashboard", current, "dashboards:overview", "bar-chart", _("Dashboard")))
    if admin:
        tools = (
            ("health", "dashboards:health", "heart-pulse", _("Programme health")),
            ("kpis", "kpis:import", "graph-up", _("Support KPIs")),
            ("goal-templates", "mentoring_sessions:goal-templates", "bullseye", _("Goal templates")),
            ("emails", "outbox:message-list", "envelope", _("Emails")),
        )
        in_tools = current in {tool[0] for tool in tools}
        main.append(
            format_html(
                '<li class="nav-item dropdown"><button class="nav-link dropdown-toggle{}" type="button" '
                'data-bs-toggle="dropdown" aria-expanded="false">'
                '<i class="bi bi-sliders" aria-hidden="true"></i>{}'
                '</button><ul class="dropdown-menu" data-bs-theme="light">{}</ul></li>',
                " active" if in_tools else "",
                _("Administer"),
                mark_safe("".join(_menu_item(routes, s, current, r, i, label) for s, r, i, label in tools)),  # noqa: S308
            )
        )
    side = []
    if person:
        unread = person.unread_notifications
        badge = (
            format_html(
                ' <span class="badge rounded-pill">{}<span class="visually-hidden"> {}</span></span>',
                unread,
                _("unread"),
            )
            if unread
            else ""
        )
        here = current == "notifications"
        side.append(
            format_html(
                '<li class="nav-item"><a class="nav-link{}" href="{}">'
                '<i class="bi bi-bell" aria-hidden="true"></i>'
                "{}{}</a></li>",
                mark_safe(' active" aria-current="page') if here else "",  # noqa: S308 (a constant)
                routes["notifications:list"],
                _("Notifications"),
                badge,
            )
        )
    user = context.get("user")
    settings_item = (
        format_html(
            '<li><a class="dropdown-item" href="{}"><i class="bi bi-gear" aria-hidden="true"></i> {}</a></li>'
            '<li><a class="dropdown-item" href="{}">'
            '<i class="bi bi-file-earmark-person" aria-hidden="true"></i> {}</a></li>'
            '<li><hr class="dropdown-divider"></li>',
            routes["notifications:settings"],
            _("Notification settings"),
            routes["privacy:mine"],
            _("Your data"),
        )
        if person
        else ""
    )
    if context.get("has_pairings"):
        # A mentor's summary; for a mentee the page says what it is for (knowing who mentors would
        # cost a query on every page).
        settings_item = (
            format_html(
                '<li><a class="dropdown-item" href="{}">'
                '<i class="bi bi-award" aria-hidden="true"></i> {}</a></li>',
                routes["closeout:contribution"],
                _("My contribution"),
            )
            + settings_item
        )
    side.append(
        format_html(
            '<li class="nav-item dropdown">'
            '<button id="person-menu" class="nav-link dropdown-toggle d-flex align-items-center gap-2" '
            'type="button" '
            'data-bs-toggle="dropdown" aria-expanded="false">{}<span>{}</span></button>'
            '<ul class="dropdown-menu dropdown-menu-lg-end" data-bs-theme="light">{}'
            '<li><form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="dropdown-item" type="submit">'
            '<i class="bi bi-box-arrow-right" aria-hidden="true"></i> {}'
            "</button></form></li></ul></li>",
            avatar(person, size="sm", decorative=True) if person else "",
            person.full_name if person else user.get_username(),
            settings_item,
            routes["logout"],
            str(context.get("csrf_token", "")),
            _("Log out"),
        )
    )
    return format_html(
        '<ul class="navbar-nav me-auto">{}</ul><ul class="navbar-nav align-items-lg-center">{}</ul>',
        mark_safe("".join(main)),  # noqa: S308 (built above with format_html)
        mark_safe("".join(side)),  # noqa: S308 (built above with format_html)
    )
