import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import RequestFactory

from mentorship.branding import contrast
from mentorship.ui import AVATAR_COLOURS, avatar_colour, initials


class P:
    """A stand-in person: the tag asks only for `full_name` and `pk`."""

    def __init__(self, pk, full_name):
        self.pk, self.full_name = pk, full_name


def render(source, **context):
    return Template("{% load ui %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ada Lovelace", "AL"),
        ("ada lovelace", "AL"),
        ("Ada", "A"),
        ("Ada Byron King Lovelace", "AL"),
        ("Élodie de la Tour", "ÉT"),
        ("E\u0301lodie Durand", "ÉD"),  # É typed as E + a combining accent
        ("Øyvind Ødegård", "ØØ"),
        ("  Bo   Chen  ", "BC"),
        ("'Bo' (Robert) Chen", "BC"),
        ("李 小龍", "李小"),
        ("", "?"),
        ("   ", "?"),
        ("- -", "?"),
        (None, "?"),
    ],
)
def test_initials(name, expected):
    assert initials(name) == expected


def test_avatar_colours_all_read_at_aa_with_white_initials():
    assert all(contrast("#ffffff", colour) >= 4.5 for colour in AVATAR_COLOURS)


def test_a_person_has_the_same_colour_everywhere_and_neighbours_differ():
    assert avatar_colour(7) == avatar_colour(7)
    assert avatar_colour(7) != avatar_colour(8)
    assert avatar_colour(None) in AVATAR_COLOURS


def test_avatar_is_an_image_named_for_the_person():
    html = render("{% avatar p %}", p=P(3, "Ada Lovelace"))
    assert html == ('<span class="avatar avatar-3" role="img" aria-label="Ada Lovelace">AL</span>')


def test_each_avatar_class_draws_its_colour():
    """The colours whose contrast is checked above are the ones app.css paints, class for class."""
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    drawn = dict(re.findall(r"\.avatar-(\d+) \{ background-color: (#[0-9a-f]{6}); \}", css))
    assert drawn == {str(index): colour for index, colour in enumerate(AVATAR_COLOURS)}


def test_decorative_avatar_is_hidden_from_screen_readers():
    html = render('{% avatar p size="sm" decorative=True %}', p=P(3, "Ada Lovelace"))
    assert 'aria-hidden="true"' in html
    assert "aria-label" not in html
    assert 'class="avatar avatar-sm avatar-3"' in html


def test_avatar_escapes_the_name_and_draws_nothing_for_no_one():
    html = render("{% avatar p %}", p=P(1, '<script>"x"</script>'))
    assert "<script>" not in html
    assert 'aria-label="&lt;script&gt;&quot;x&quot;&lt;/script&gt;"' in html
    assert render("{% avatar p %}", p=None) == ""


def test_page_header_has_title_subtitle_icon_and_actions():
    html = render(
        '{% page_header "Cohorts" subtitle=sub icon="diagram-3" %}'
        '<a href="/new/">New</a>{% endpage_header %}',
        sub="Rounds of a programme",
    )
    assert '<h1 class="h3"><i class="bi bi-diagram-3" aria-hidden="true"></i> Cohorts</h1>' in html
    assert "Rounds of a programme" in html
    assert '<div class="page-actions"><a href="/new/">New</a></div>' in html


def test_page_header_without_actions_or_subtitle_draws_only_the_title():
    html = render("{% page_header title %}{% endpage_header %}", title="A & B")
    assert html == '<div class="page-header"><div><h1 class="h3">A &amp; B</h1></div></div>'


def test_page_header_with_back_links_above_the_heading_to_the_page_it_belongs_to():
    html = render(
        '{% page_header "Session" back=url back_label="Back to the workspace" %}{% endpage_header %}',
        url="/pairings/1/?a=1&b=2",
    )
    assert html.startswith(
        '<div class="page-header"><div><p class="page-back">'
        '<a class="link-secondary" href="/pairings/1/?a=1&amp;b=2">'
        '&larr; Back to the workspace</a></p><h1 class="h3">Session</h1>'
    )
    # Without a label the link still says where it goes: back.
    assert ">&larr; Back</a>" in render('{% page_header "X" back="/" %}{% endpage_header %}')


def test_empty_state_says_what_is_missing_and_what_to_do():
    html = render(
        '{% empty_state icon="people" title="No one yet." %}'
        '<a class="btn" href="/i/">Invite</a>{% endempty_state %}'
    )
    assert '<i class="bi bi-people" aria-hidden="true"></i>' in html
    assert "No one yet." in html
    assert '<a class="btn" href="/i/">Invite</a>' in html


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/programmes/", "programmes"),
        ("/programmes/3/edit/", "programmes"),
        ("/programmes/cohorts/", "cohorts"),
        ("/programmes/cohorts/4/settings/", "cohorts"),
        ("/matching/runs/9/", "cohorts"),
        ("/enrol/cohorts/4/review/", "cohorts"),
        ("/enrol/", "mine"),
        ("/pairings/12/", "mentoring"),
        ("/pairings/goal-templates/", "goal-templates"),
        ("/dashboard/", "dashboard"),
        ("/dashboard/health/", "health"),
        ("/people/", "people"),
        ("/notifications/settings/", "notifications"),
        ("/", ""),
    ],
)
def test_the_navigation_knows_which_section_a_page_is_in(path, section):
    request = RequestFactory().get(path)
    assert render("{% nav_section as s %}{{ s }}", request=request) == section


def test_the_current_section_is_marked_in_the_navigation(client, world):
    client.force_login(world.admin)
    html = client.get("/programmes/cohorts/").content.decode()
    assert 'class="nav-link active" aria-current="page" href="/programmes/cohorts/"' in html
    assert html.count('aria-current="page"') == 1


def test_form_sections_group_fields_and_keep_the_ones_no_section_names():
    from django import forms

    class Form(forms.Form):
        sections = (("Basics", "Who", ("name", "missing")), ("Empty", "", ("nothing",)))
        name = forms.CharField()
        email = forms.EmailField()

    groups = render_groups(Form())
    assert [(g["legend"], [(c["field"].name, c["wide"]) for c in g["fields"]]) for g in groups] == [
        ("Basics", [("name", False)]),
        ("", [("email", False)]),
    ]


def render_groups(form):
    from mentorship.ui import form_sections

    return form_sections(form)


def _nav(user, path="/", **flags):
    from mentorship.ui import navigation

    request = RequestFactory().get(path)
    request.user = user
    context = Context({"request": request, "user": user, "csrf_token": "tok", **flags})
    return navigation(context)


def test_a_members_navigation_has_their_pages_avatar_and_no_admin_menu(world, django_assert_num_queries):
    person = world.mentee
    with django_assert_num_queries(0):
        html = _nav(person.user, "/pairings/", has_pairings=True, current_person=person)
    assert 'class="nav-link active" aria-current="page" href="/pairings/"' in html
    assert "My programmes" in html and "Notifications" in html
    assert "Administer" not in html and "Cohorts" not in html
    assert 'id="person-menu"' in html and ">AM</span><span>Ada Mentee</span>" in html
    assert 'name="csrfmiddlewaretoken" value="tok"' in html


def test_an_admins_tools_sit_in_the_administer_menu_marked_when_open(world):
    html = _nav(world.admin, "/emails/", can_manage_programmes=True, can_view_dashboard=True)
    assert 'class="nav-link dropdown-toggle active"' in html
    assert 'class="dropdown-item active" aria-current="page" href="/emails/"' in html
    for label in ("Programmes", "Cohorts", "People", "Dashboard", "Programme health", "Support KPIs"):
        assert label in html
    # No person: no notifications, the login name in the person menu.
    assert "Notifications" not in html and "<span>admin</span>" in html


def test_unread_notifications_show_as_a_count_with_words_for_screen_readers(world):
    person = world.mentee
    person.unread_notifications = 3
    html = _nav(person.user, current_person=person)
    assert '<span class="badge rounded-pill">3<span class="visually-hidden"> unread</span></span>' in html
