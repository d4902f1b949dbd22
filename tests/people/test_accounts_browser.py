"""Getting in, in a real Chromium with axe-core on every page (issue 8): someone an admin enrolled
activates their login from the email and lands on their profile; logged out, a link to a workspace
leads through a login page that says what it is for; "Forgot your password?" looks like the product."""

import datetime
import re

import pytest
from playwright.sync_api import Page, expect

from enrolment import services
from outbox.models import Message
from programmes.models import Cohort
from tests.browser import assert_accessible, open_person_menu
from tests.factories import CohortFactory, PairingFactory, PersonFactory

pytestmark = pytest.mark.browser
PASSWORD = "a-long-Pa55word"  # noqa: S105 - a test password


def test_activate_then_log_in_through_a_workspace_link_then_reset(page: Page, live_server, transactional_db):
    cohort = CohortFactory(
        name="Spring 2027",
        state=Cohort.State.ENROLLING,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 8, 31),
    )
    person = PersonFactory(full_name="Ana Newcomer", email="ana@example.com")
    enrolment = services.enrolment_add(cohort=cohort, person=person, role="mentee")
    # The enrolled message carries the activation link. Read from the outbox, whatever its state: in
    # the person's working hours it is sent at once, outside them it waits (the delivery has its own
    # tests), and this test runs at any hour of the clock.
    [message] = Message.objects.filter(to="ana@example.com")
    link = re.search(r"http://testserver(/accounts/activate/\S+)", message.text).group(1)

    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
    expect(page.get_by_text("go straight on to fill in your mentoring profile")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_new_password1").fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set my password and continue").click()
    expect(page).to_have_url(re.compile(rf"/enrol/{enrolment.pk}/profile/$"))
    open_person_menu(page)
    page.get_by_role("button", name="Log out").click()

    # Logged out, a workspace link from an email leads through the login page and back.
    pairing = PairingFactory(mentee=enrolment, match_run__cohort=cohort)
    page.goto(f"{live_server.url}/pairings/{pairing.pk}/")
    expect(page.get_by_text("Log in to open your mentoring workspace.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill("ana@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/pairings/{pairing.pk}/$"))
    open_person_menu(page)
    page.get_by_role("button", name="Log out").click()

    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1, name="Forgot your password?")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    assert_accessible(page)
