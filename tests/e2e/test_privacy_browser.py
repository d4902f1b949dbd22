"""Privacy pages in a real Chromium, axe on each: a member downloads their data from the person
menu; an admin erases a person from the people list, and that person can no longer log in."""

import pytest
from playwright.sync_api import expect

from people.models import Person
from privacy.registry import ERASED_NAME
from tests.browser import assert_accessible, log_out, login, open_person_menu

pytestmark = pytest.mark.browser


def test_a_member_downloads_their_data_and_an_admin_erases_them(page, live_server, world):
    org = world
    login(page, live_server, "mentee")
    open_person_menu(page)
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON (one file)").click()
    assert download.value.suggested_filename.endswith(".json")
    log_out(page)

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/people/")
    page.locator(f'a[href="/privacy/people/{org.mentee.pk}/erase/"]').click()
    expect(page.get_by_role("heading", name="Erase Ada Mentee")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Type the person's full name to confirm").fill("Ada Mentee")
    page.get_by_role("button", name="Erase this person").click()
    expect(page.get_by_text("The person has been erased.")).to_be_visible()
    assert Person.objects.get(pk=org.mentee.pk).full_name == ERASED_NAME
    log_out(page)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("mentee")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
