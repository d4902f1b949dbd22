"""The page a refused method gets, in a browser: the product's page, and it passes axe."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import assert_accessible, login

pytestmark = pytest.mark.browser


def test_opening_a_button_only_address_shows_the_products_405_page(page, live_server, world):
    login(page, live_server, "mentee")
    response = page.goto(live_server.url + reverse("notifications:read-all"))
    assert response is not None and response.status == 405
    expect(page.get_by_role("heading", level=1)).to_have_text("This page can't do that")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Go to your home page")).to_be_visible()
    assert_accessible(page)
