"""The mentoring agreement in a real Chromium, axe on every page: the mentor fills it in from the
programme's template and signs, the mentee reads it from the workspace and signs, and the
workspace says it is signed by both. The programme admin edits the template and reads the pairs
not signed a week after starting."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser import assert_accessible, log_out, login

pytestmark = pytest.mark.browser


def _agreement_card(page: Page):
    return page.get_by_role("region", name="Our agreement")


def test_both_sides_sign_and_the_workspace_shows_it(page: Page, live_server, world):
    pair = world.pair
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}/pairings/{pair.pk}/")
    expect(_agreement_card(page)).to_contain_text("Not started yet")
    _agreement_card(page).get_by_role("link", name="Fill it in").click()
    expect(page.get_by_role("heading", level=1, name="Mentoring agreement")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Fill it in").click()
    expect(page.get_by_role("heading", level=1, name="Fill in the mentoring agreement")).to_be_visible()
    expect(page.get_by_label("When we meet")).to_have_value(
        "Our cohort asks pairs to meet every 14 days. We meet for 45 minutes, at a time outside both our "
        "peak queue hours. If the queue spikes or one of us is pulled onto an escalation, whoever has to "
        "drop says so in our chat as early as they can and proposes a new slot within the same week. When "
        "our shift patterns change (rota, nights, weekends), we agree a new slot the same week."
    )
    assert_accessible(page)
    page.get_by_label("How we meet and talk").fill("A Teams call on Tuesdays after the morning queue.")
    page.get_by_label("I agree to this and sign it").check()
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.get_by_text("Saved and signed. The other side is asked to sign too.")).to_be_visible()
    expect(page.get_by_text("A Teams call on Tuesdays after the morning queue.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}/pairings/{pair.pk}/")
    expect(_agreement_card(page)).to_contain_text("Waiting for you to sign.")
    expect(_agreement_card(page)).to_contain_text("A Teams call on Tuesdays")
    assert_accessible(page)
    _agreement_card(page).get_by_role("link", name="Read the agreement").click()
    page.get_by_role("button", name="I agree: sign this version").click()
    expect(page.get_by_text("You signed the agreement.")).to_be_visible()
    expect(page.get_by_text("Signed by both.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Versions signed so far").click()
    expect(page.get_by_role("heading", level=2, name="Version 1")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/pairings/{pair.pk}/")
    expect(_agreement_card(page)).to_contain_text("Signed by both on")


def test_the_admin_edits_the_template_and_reads_who_has_not_signed(page: Page, live_server, world):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{world.cohort.programme.get_absolute_url()}")
    page.get_by_role("link", name="Mentoring agreements").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mentoring agreements")
    assert_accessible(page)

    page.get_by_role("link", name="Edit the template").click()
    expect(page.get_by_role("heading", level=1, name="Edit the agreement template")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("group", name="How we meet and talk").get_by_label("Starting text").fill(
        "Slack huddles, cameras optional."
    )
    page.get_by_role("button", name="Save the template").click()
    expect(page.get_by_text("This programme's own template.")).to_be_visible()
    expect(page.get_by_text("Slack huddles, cameras optional.")).to_be_visible()
    page.get_by_role("button", name="Back to our default").click()
    expect(page.get_by_text("The template is back to our default.")).to_be_visible()

    page.get_by_role("link", name=world.cohort.name).click()
    expect(page.get_by_role("heading", level=1, name="Agreements not signed after a week")).to_be_visible()
    expect(page.get_by_role("cell", name="Ada Mentee")).to_be_visible()
    assert_accessible(page)
