"""Browser fixtures for every browser test (tests/conftest.py exposes them): one Debian Chromium
per test session, a fresh context per test, and axe-core.

Every page a test opens must keep the Content-Security-Policy (mentorship/settings.py): each
context records every violation (the `securitypolicyviolation` event, through an init script, and
Chromium's console errors naming a "Content Security Policy directive", which also cover frames
where scripts cannot run), and
`assert_accessible` and each page fixture's teardown fail the test on any. A test that means to
cause one takes it with `take_csp_violations`.

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


# Runs in every document and frame before the page's own scripts, so nothing is missed.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "(inline)"} on ${event.documentURI}` +
      (event.sample ? `: ${event.sample}` : "")
  );
});
"""


def new_checked_page(browser: Browser, viewport: dict) -> Page:
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="UTC")
    context.set_default_timeout(TIMEOUT_MS)
    violations: list[str] = []
    context.expose_binding("__cspViolation", lambda source, text: violations.append(text))
    context.add_init_script(_CSP_LISTENER)
    page = context.new_page()

    def console(message):
        if message.type == "error" and "Content Security Policy directive" in message.text:
            violations.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", console)
    page.csp_violations = violations
    return page


def take_csp_violations(page: Page) -> list[str]:
    """Every violation the page's context recorded since the last call, and forget them."""
    page.evaluate("0")  # a round trip, so events already fired in the page have reached us
    taken = list(page.csp_violations)
    page.csp_violations.clear()
    return taken


def assert_no_csp_violation(page: Page) -> None:
    if page.is_closed():
        return
    violations = take_csp_violations(page)
    if violations:
        pytest.fail(
            f"{len(violations)} Content-Security-Policy violation(s), last page {page.url}:\n"
            + "\n".join(f"- {v}" for v in violations),
            pytrace=False,
        )


def _page_fixture(browser, viewport):
    page = new_checked_page(browser, viewport)
    yield page
    try:
        assert_no_csp_violation(page)
    finally:
        page.context.close()


@pytest.fixture
def page(browser):
    yield from _page_fixture(browser, DESKTOP)


@pytest.fixture
def phone_page(browser):
    yield from _page_fixture(browser, PHONE)


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing every serious or critical violation,
    or any Content-Security-Policy violation since the last check."""
    assert_no_csp_violation(page)
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
