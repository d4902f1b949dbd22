"""Issue 11's recognition journey in a real Chromium, with axe on every page: the mentee and the
mentor exchange messages in the workspace; at close the mentee thanks the mentor; the mentor reads
the thanks on their contribution page and downloads the summary."""

import pytest
from playwright.sync_api import expect

from closeout.models import Thanks
from programmes.models import Cohort
from sessions.models import PairMessage
from tests.browser import assert_accessible, log_out, login, open_person_menu

pytestmark = pytest.mark.browser


def test_pair_messages_then_thanks_at_close_and_the_mentors_summary(
    page, live_server, transactional_db, world
):
    pair = world.pair
    workspace = f"{live_server.url}{pair.get_absolute_url()}"

    # The mentee writes to the mentor from the workspace.
    login(page, live_server, "mentee")
    page.goto(workspace)
    messages = page.get_by_role("region", name="Messages")
    expect(messages).to_contain_text("No messages yet.")
    assert_accessible(page)
    messages.get_by_label("Message to Omar").fill("Could we look at ticket #4411 on Thursday?")
    messages.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Message sent to Omar Mentor.")
    expect(page.get_by_role("region", name="Messages")).to_contain_text("ticket #4411")
    log_out(page)

    # The mentor sees it marked new, opens the conversation and answers.
    login(page, live_server, "mentor")
    page.goto(workspace)
    messages = page.get_by_role("region", name="Messages")
    expect(messages.locator(".message-new")).to_contain_text("ticket #4411")
    assert_accessible(page)
    messages.get_by_role("link", name="Open the conversation").click()
    expect(page.get_by_role("heading", level=1, name="Messages with Ada Mentee")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Message").fill("Of course, send me the link before we meet.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_have_text("Message sent to Ada Mentee.")
    expect(page.get_by_role("region", name="Conversation, newest first")).to_contain_text("send me the link")
    assert PairMessage.objects.count() == 2
    log_out(page)

    # The cohort concludes: the mentee thanks the mentor from the workspace.
    Cohort.objects.filter(pk=world.cohort.pk).update(state=Cohort.State.CONCLUDING)
    login(page, live_server, "mentee")
    page.goto(workspace)
    page.get_by_role("link", name="Thank Omar").click()
    expect(page.get_by_role("heading", level=1, name="Thank Omar Mentor")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your thanks").fill(
        "Thank you for every Thursday: I no longer dread billing escalations."
    )
    page.get_by_role("button", name="Send my thanks to Omar").click()
    expect(page.get_by_role("status")).to_contain_text("Your thanks are saved and Omar has been told.")
    assert_accessible(page)
    assert Thanks.objects.get().pairing == pair
    log_out(page)

    # The mentor reads the thanks on their contribution page and downloads the summary.
    login(page, live_server, "mentor")
    open_person_menu(page)
    page.get_by_role("link", name="My contribution").click()
    expect(page.get_by_role("heading", level=1, name="My contribution as a mentor")).to_be_visible()
    expect(page.get_by_role("region", name="Thanks from your mentees")).to_contain_text(
        "I no longer dread billing escalations"
    )
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as CSV").click()
    with open(download_info.value.path(), encoding="utf-8") as summary:
        content = summary.read()
    assert "Autumn 2026" in content and "I no longer dread billing escalations" in content
    page.get_by_role("link", name="Printable summary").click()
    expect(page.get_by_role("heading", level=1, name="Mentoring contribution of Omar Mentor")).to_be_visible()
    assert_accessible(page)
