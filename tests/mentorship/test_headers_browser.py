"""The Content-Security-Policy in a real Chromium: the browser tests' violation check (tests/browser.py)
catches what the policy refuses, and the pages that check skips otherwise (the Django admin, the
error pages) keep the policy too."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, assert_no_csp_violation, login, take_csp_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def probes(settings):
    settings.ROOT_URLCONF = "tests.mentorship.csp_urls"


def test_an_inline_script_is_refused_and_fails_the_browser_test(page: Page, live_server, probes):
    page.goto(f"{live_server.url}/csp-probe/inline-script/")
    expect(page.get_by_role("heading", name="Probe")).to_be_visible()
    assert page.title() == "probe"  # the script did not run
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_no_csp_violation(page)
    assert "Content-Security-Policy violation" in str(failed.value)
    assert "script-src" in str(failed.value)
    # Taken by the check: nothing is left for the fixture's teardown to fail on.
    assert take_csp_violations(page) == []


def test_a_style_attribute_is_refused_and_fails_the_axe_check(page: Page, live_server, probes):
    page.goto(f"{live_server.url}/csp-probe/style-attribute/")
    assert page.locator("p").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    with pytest.raises(pytest.fail.Exception) as failed:
        assert_accessible(page)
    assert "style-src" in str(failed.value)
    assert take_csp_violations(page) == []


def test_a_style_refused_inside_a_frame_is_caught_too(page: Page, live_server, probes):
    """A frame whose scripts cannot run (sandbox) reports no event; Chromium's console still says it."""
    page.goto(f"{live_server.url}/csp-probe/framed-style/")
    expect(page.frame_locator("iframe").get_by_text("red")).to_be_visible()
    violations = take_csp_violations(page)
    assert any("style-src" in violation for violation in violations), violations


def test_the_django_admin_keeps_the_policy(page: Page, live_server, world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save(update_fields=["is_staff", "is_superuser"])
    login(page, live_server, "admin")
    for path in [
        "/django-admin/",
        "/django-admin/people/person/",
        f"/django-admin/people/person/{world.mentee.pk}/change/",
        "/django-admin/auth/user/add/",
        "/django-admin/programmes/cohort/",
        f"/django-admin/programmes/cohort/{world.cohort.pk}/change/",
    ]:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("#content")).to_be_visible()
        assert_no_csp_violation(page)


def test_the_login_and_not_found_pages_keep_the_policy(page: Page, live_server, db):
    complaints = []
    page.on("console", lambda message: complaints.append(message.text))
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    # Chromium accepts every feature the Permissions-Policy names.
    assert [text for text in complaints if "Permissions-Policy" in text] == []
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
