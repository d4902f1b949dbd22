"""The product's look on a phone (390 x 844): each role's main pages fit the screen's width (no
sideways scrolling of the page itself; wide tables scroll inside their own box) and pass axe; and
the navigation's menus work on a phone and on a desktop."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_out, login, open_admin_menu, open_person_menu

pytestmark = pytest.mark.browser

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
# The innermost elements that reach past the screen's right edge, to name in a failure.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const inBox = (el) => el.parentElement && el.parentElement.closest(".table-responsive");
  const past = (el) => el.getBoundingClientRect().right > width + 1;
  // Boxes past the edge, or whose content (a long word) spills past it.
  return [...document.querySelectorAll("body *")]
    .filter((el) => !inBox(el) && (past(el) || el.scrollWidth > el.clientWidth + 1))
    .filter((el) => ![...el.children].some((child) => !inBox(child) && past(child)))
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + [...el.classList].join("."));
}"""


def assert_fits_and_is_accessible(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    if not page.evaluate(NO_SIDEWAYS_SCROLL):
        pytest.fail(f"{path} scrolls sideways on a phone, past: {page.evaluate(TOO_WIDE)}", pytrace=False)
    assert_accessible(page)


def member_pages(world):
    return [
        "/",
        reverse("mentoring_sessions:pairing-list"),
        world.pair.get_absolute_url(),
        reverse("mentoring_sessions:session-create", args=[world.pair.pk]),
        reverse("mentoring_sessions:goal-create", args=[world.pair.pk]),
        reverse("enrolment:mine"),
        reverse("enrolment:profile", args=[world.pair.mentee.pk]),
        reverse("notifications:list"),
        reverse("notifications:settings"),
    ]


def admin_pages(world):
    return [
        "/",
        reverse("programmes:programme-list"),
        world.cohort.programme.get_absolute_url(),
        reverse("programmes:cohort-list"),
        world.cohort.get_absolute_url(),
        reverse("programmes:cohort-create"),
        reverse("programmes:cohort-edit", args=[world.cohort.pk]),
        reverse("enrolment:review", args=[world.cohort.pk]),
        reverse("people:person-list"),
        reverse("dashboards:overview"),
        reverse("dashboards:health"),
        reverse("kpis:import"),
        reverse("mentoring_sessions:goal-templates"),
        reverse("outbox:message-list"),
    ]


@pytest.mark.parametrize("username", ["mentee", "mentor"])
def test_a_members_main_pages_fit_a_phone_and_pass_axe(phone_page, live_server, world, username):
    login(phone_page, live_server, username)
    pages = member_pages(world)
    if username == "mentor":
        pages.remove(reverse("enrolment:profile", args=[world.pair.mentee.pk]))
        pages.append(reverse("enrolment:profile", args=[world.pair.mentor.pk]))
    for path in pages:
        assert_fits_and_is_accessible(phone_page, f"{live_server.url}{path}")


def test_an_admins_main_pages_fit_a_phone_and_pass_axe(phone_page, live_server, world):
    login(phone_page, live_server, "admin")
    for path in admin_pages(world):
        assert_fits_and_is_accessible(phone_page, f"{live_server.url}{path}")


def test_a_managers_dashboard_fits_a_phone_and_passes_axe(phone_page, live_server, world):
    login(phone_page, live_server, "manager")
    for path in ["/", reverse("dashboards:overview"), reverse("notifications:list")]:
        assert_fits_and_is_accessible(phone_page, f"{live_server.url}{path}")


def test_the_phone_menu_opens_the_administer_and_person_menus(phone_page, live_server, world):
    page = phone_page
    login(page, live_server, "admin")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Cohorts")).to_be_hidden()
    open_admin_menu(page)
    nav.get_by_role("link", name="Goal templates").click()
    expect(page.get_by_role("heading", level=1, name="Goal templates")).to_be_visible()
    # The page's own item is marked as the current one.
    open_admin_menu(page)
    expect(nav.get_by_role("link", name="Goal templates")).to_have_attribute("aria-current", "page")
    assert_accessible(page)
    log_out(page)


def test_the_person_menu_shows_the_avatar_and_leads_to_settings(page, live_server, world):
    login(page, live_server, "mentee")
    menu = page.locator("#person-menu")
    expect(menu).to_contain_text(world.mentee.full_name)
    expect(menu.locator(".avatar")).to_have_text("AM")
    open_person_menu(page)
    assert_accessible(page)
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", level=1, name="Notification settings")).to_be_visible()


@pytest.mark.parametrize("colour", ["#ffcc00", "#e11d48", "#0f766e"])
def test_any_brand_colour_keeps_the_pages_readable(page, live_server, world, settings, colour):
    """A light yellow takes dark text and darker links; a red and a teal take white text: axe's
    contrast check passes on the navigation, buttons and links either way."""
    from mentorship.branding import brand_from

    settings.BRAND = brand_from("Support Buddies", colour)
    login(page, live_server, "mentee")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Support Buddies")).to_be_visible()
    for path in [world.pair.get_absolute_url(), reverse("notifications:list")]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
    open_person_menu(page)
    assert_accessible(page)
