"""Issue 11's look on the pages converted last (page headers, one-column layouts, the error pages,
the questionnaire's progress, the unshare question): each passes axe and fits a phone (390 x 844)
without sideways scrolling, and is written as a screenshot at desktop and phone width to
var/screenshots/look-<page>-<desktop|phone>.png for a reviewer to look at."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from library import services as library_services
from library.models import Resource
from tests.browser import DESKTOP, PHONE, assert_accessible, assert_no_csp_violation, login, new_checked_page
from tests.e2e.test_home_journey import SCREENSHOTS
from tests.e2e.test_look_browser import NO_SIDEWAYS_SCROLL, TOO_WIDE
from tests.factories import GoalFactory, SessionFactory

pytestmark = pytest.mark.browser


def _shoot(page: Page, name: str, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"look-{name}-{size}.png"), full_page=True)


def _check_and_shoot(page: Page, live_server, name: str, path: str, size: str, status: int = 200) -> None:
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == status, f"{name}: {response.status}"
    expect(page.get_by_role("heading", level=1).first).to_be_visible()
    if size == "phone" and not page.evaluate(NO_SIDEWAYS_SCROLL):
        pytest.fail(f"{name} scrolls sideways on a phone, past: {page.evaluate(TOO_WIDE)}", pytrace=False)
    assert_accessible(page)
    _shoot(page, name, size)


def admin_pages(world):
    return {
        "dashboard": reverse("dashboards:overview"),
        "health": reverse("dashboards:health"),
        "report": reverse("dashboards:report"),
        "kpi-import": reverse("kpis:import"),
        "cohort": world.cohort.get_absolute_url(),
        "match-run": world.run.get_absolute_url(),
        "compare-runs": reverse("matching:run-compare", args=[world.cohort.pk]),
        "enrolment-review": reverse("enrolment:review", args=[world.cohort.pk]),
        "invite": reverse("enrolment:invite", args=[world.cohort.pk]),
        "capacity": reverse("enrolment:mentor-capacity", args=[world.pair.mentor.pk]),
        "programme-training": reverse("training:programme-modules", args=[world.cohort.programme.pk]),
        "programme-agreements": reverse("agreements:programme", args=[world.cohort.programme.pk]),
        "wording": reverse("programmes:wording-list", args=[world.cohort.programme.pk]),
        "people-import": reverse("people:import"),
    }


def member_pages(world):
    session = SessionFactory(pairing=world.pair, logged_by=world.mentor)
    goal = GoalFactory(pairing=world.pair)
    return {
        "profile": reverse("enrolment:profile", args=[world.pair.mentee.pk]),
        "session": reverse("mentoring_sessions:session-detail", args=[world.pair.pk, session.pk]),
        "goal": reverse("mentoring_sessions:goal-detail", args=[world.pair.pk, goal.pk]),
        "goal-start": reverse("mentoring_sessions:goal-create", args=[world.pair.pk]),
        "check-in": reverse("mentoring_sessions:checkin-create", args=[world.pair.pk]),
        "messages": reverse("mentoring_sessions:pairing-messages", args=[world.pair.pk]),
        "notification-settings": reverse("notifications:settings"),
        "agreement": reverse("agreements:agreement", args=[world.pair.pk]),
        "library": reverse("library:resource-list", args=[world.cohort.programme.pk]),
        "my-training": reverse("training:mine"),
    }


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_an_admins_converted_pages_pass_axe_and_fit(browser, live_server, world, size, viewport):
    page = new_checked_page(browser, viewport)
    try:
        login(page, live_server, "admin")
        for name, path in admin_pages(world).items():
            _check_and_shoot(page, live_server, name, path, size)
        _check_and_shoot(page, live_server, "not-found", "/no-such-page/", size, status=404)
        _check_and_shoot(
            page, live_server, "not-allowed-this-way", reverse("notifications:read-all"), size, 405
        )
        assert_no_csp_violation(page)
    finally:
        page.context.close()


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_a_members_converted_pages_pass_axe_and_fit(browser, live_server, world, size, viewport):
    pages = member_pages(world)
    page = new_checked_page(browser, viewport)
    try:
        login(page, live_server, "mentee")
        for name, path in pages.items():
            _check_and_shoot(page, live_server, name, path, size)
        # The questionnaire says how far the person is, and each part links to its section.
        page.goto(f"{live_server.url}{pages['profile']}")
        progress = page.get_by_role("navigation", name="Parts of your profile")
        expect(progress).to_contain_text("parts answered")
        progress.get_by_role("link", name="When and how to meet").click()
        expect(page.get_by_role("heading", level=2, name="When and how to meet")).to_be_in_viewport()
        _check_and_shoot(page, live_server, "forbidden", reverse("programmes:programme-list"), size, 403)
        assert_no_csp_violation(page)
    finally:
        page.context.close()


def test_the_mentor_is_asked_before_unsharing(page: Page, live_server, world):
    resource = library_services.resource_save(
        resource=Resource(programme=world.cohort.programme, topic="de-escalation", title="Calm replies"),
        by=None,
    )
    library_services.resource_share(resource=resource, pairing=world.pair, by=world.mentor)
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}{world.pair.get_absolute_url()}")
    page.locator("[data-shared-resource]").get_by_role("link", name="Unshare").click()
    expect(page.get_by_role("heading", level=1, name="Unshare a resource")).to_be_visible()
    assert_accessible(page)
    _shoot(page, "unshare", "desktop")
    page.get_by_role("button", name="Unshare").click()
    expect(page.get_by_role("status")).to_contain_text("“Calm replies” unshared.")
    expect(page.locator("[data-shared-resource]")).to_have_count(0)
