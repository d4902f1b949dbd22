"""Single sign-on in a real Chromium with axe-core (issue 12): the button on the login page, the
provider's login (django-oauth-toolkit on loopback: tests/oidc_provider/), back logged in on the page
`next` named; and the pages that refuse someone or say the provider is down."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible
from tests.factories import PersonFactory
from tests.oidc_provider import serve
from tests.realservers import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def sso_on(settings, oidc_provider):
    settings.OIDC_RP_CLIENT_ID = serve.CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = serve.CLIENT_SECRET
    settings.OIDC_PROVIDER_URL = oidc_provider.url
    settings.OIDC_BUTTON_LABEL = "Sign in with Example Corp"
    return oidc_provider


def sign_in_at_provider(page: Page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(serve.PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_sign_in_with_the_button_lands_on_the_page_next_named(
    page: Page, live_server, transactional_db, sso_on
):
    PersonFactory(full_name="Kim Known", email="known.person@example.com")

    page.goto(f"{live_server.url}/accounts/login/?next=/notifications/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign in with Example Corp").click()
    expect(page).to_have_url(re.compile(r"^http://127\.0\.0\.1:\d+/accounts/login/"))
    sign_in_at_provider(page, "known")

    expect(page).to_have_url(f"{live_server.url}/notifications/")
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()


def test_someone_we_have_no_record_of_sees_a_page_that_says_whom_to_ask(
    page: Page, live_server, transactional_db, sso_on
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with Example Corp").click()
    sign_in_at_provider(page, "stranger")

    expect(page.get_by_role("heading", level=1, name="We don't have you on record")).to_be_visible()
    expect(page.get_by_text("Ask your programme admin")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the login page").click()
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()


def test_a_provider_that_is_down_gets_a_page_that_says_so(
    page: Page, live_server, transactional_db, settings
):
    settings.OIDC_RP_CLIENT_ID = serve.CLIENT_ID
    settings.OIDC_PROVIDER_URL = f"http://127.0.0.1:{free_port()}/o"  # nothing listens there

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Sign in with single sign-on").click()

    expect(page.get_by_role("heading", level=1, name="Your sign-in provider isn't answering")).to_be_visible()
    assert_accessible(page)
