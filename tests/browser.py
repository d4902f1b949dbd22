"""Browser fixtures for every browser test (tests/conftest.py exposes them): one Debian Chromium
per test session, a fresh context per test, and axe-core.

Playwright's own browser download does not work on these machines, so the system Chromium is
launched directly; pytest-playwright is deliberately not used. Tests here use pytest-django's
`live_server`, which gives them `transactional_db`: the server thread must see committed rows.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
BLOCKING_IMPACTS = {"serious", "critical"}

# Every locator wait and expect() gives up after this long: a healthy page answers in well under a
# second, and a failing run should not sit on the suite's 60-second budget.
TIMEOUT_MS = 10_000

_axe = Axe()
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser: Browser, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def page(browser):
    page = _new_page(browser, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser):
    page = _new_page(browser, PHONE)
    yield page
    page.context.close()


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing every serious or critical violation."""
    lines = []
    for violation in _axe.run(page).response["violations"]:
        if violation.get("impact") not in BLOCKING_IMPACTS:
            continue
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        if targets:
            lines.append(
                f"- {violation['id']} ({violation['impact']}): {violation['help']} -> {'; '.join(targets)}"
            )
    if lines:
        pytest.fail(
            f"{len(lines)} serious/critical axe violation(s) on {page.url}:\n" + "\n".join(lines),
            pytrace=False,
        )


def login(page: Page, live_server, username: str, password: str = "demo") -> None:  # noqa: S107 - test password
    """Log in through the real form, check the login page on the way, and land on home."""
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name="Welcome")).to_be_visible()
    assert_accessible(page)


def open_navigation(page: Page) -> None:
    """On a phone the navigation folds behind its toggler: unfold it (nothing on a desktop)."""
    toggler = page.get_by_role("navigation", name="Main").get_by_role("button", name="Toggle navigation")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()


def open_person_menu(page: Page) -> None:
    """The menu under the person's name in the navigation: my contribution, notification settings, log out."""
    open_navigation(page)
    page.locator("#person-menu").click()


def open_admin_menu(page: Page) -> None:
    """The navigation's "Administer" menu: programme health, support KPIs, goal templates, emails."""
    open_navigation(page)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Administer").click()


def log_out(page: Page) -> None:
    open_person_menu(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
