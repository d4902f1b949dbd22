"""The library journey in a real Chromium, with axe on every page: the admin adds a resource; the
mentor logs a session, sees the session guide and a suggestion for the topic ticked, and shares the
resource from the session's page; the mentee finds it in the workspace and marks it read."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from library.models import SharedResource
from sessions.models import MentoringSession
from tests.browser import assert_accessible, log_out, login

pytestmark = pytest.mark.browser
TITLE = "Refund anger, step by step"


def test_admin_adds_a_resource_the_mentor_shares_it_after_a_session_the_mentee_reads_it(
    page, live_server, transactional_db, world
):
    pair = world.pair
    programme = world.cohort.programme

    # The admin adds a resource from the programme's page, and looks at the session guides.
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{programme.get_absolute_url()}")
    page.get_by_role("link", name="Library and session guides").click()
    expect(page.get_by_role("heading", level=1, name="Library")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a resource").click()
    assert_accessible(page)
    page.get_by_label("Topic").select_option(label="De-escalation")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Link").fill("https://example.com/refunds")
    page.get_by_label("Note").fill("Acknowledge, explain the refund timeline, confirm in writing.")
    page.get_by_role("button", name="Save resource").click()
    expect(page.get_by_role("status")).to_contain_text(f"Resource “{TITLE}” added.")
    expect(page.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Session guides").click()
    expect(page.get_by_role("heading", level=2, name="Mid-point review")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name=f"Archive {TITLE}").click()
    expect(page.get_by_role("button", name="Archive")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    # The mentor logs a session: the first session's guide is open, and ticking a topic lists the
    # library's resources for it.
    login(page, live_server, "mentor")
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    expect(page.get_by_role("region", name="Shared resources")).to_contain_text("Nothing shared yet")
    assert_accessible(page)
    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_text("Session guide: First session")).to_be_visible()
    suggestions = page.get_by_role("region", name="Resources for your topics")
    page.get_by_label("Tooling").check()
    expect(suggestions.get_by_role("link", name=TITLE, exact=True)).to_be_hidden()
    page.get_by_label("Tooling").uncheck()
    page.get_by_label("De-escalation").check()
    expect(suggestions.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Shared notes").fill("Walked through two refund escalations.")
    page.get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("status")).to_have_text("Session logged. Nice work.")

    # From the session's page, the mentor shares the suggestion.
    session = MentoringSession.objects.get()
    page.goto(f"{live_server.url}/pairings/{pair.pk}/sessions/{session.pk}/")
    found = page.get_by_role("region", name="Resources for these topics")
    expect(found).to_contain_text(TITLE)
    assert_accessible(page)
    found.get_by_role("button", name=f"Share {TITLE}").click()
    expect(page.get_by_role("status")).to_have_text("Shared with Ada Mentee.")
    expect(page.get_by_role("region", name="Resources for these topics")).to_contain_text("shared")
    assert SharedResource.objects.filter(pairing=pair, resource__title=TITLE).count() == 1

    # And one more from the library, with a note, through the share page.
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    page.get_by_role("link", name="Share a resource").click()
    assert_accessible(page)
    page.get_by_role("link", name="Share Plain language").click()
    assert_accessible(page)
    page.get_by_label("A note for your mentee").fill("Read before our next ticket review")
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Shared with Ada Mentee.")
    log_out(page)

    # The mentee sees both in the workspace and marks one read.
    login(page, live_server, "mentee")
    page.goto(f"{live_server.url}{pair.get_absolute_url()}")
    shared = page.get_by_role("region", name="Shared resources")
    expect(shared.get_by_role("link", name=TITLE, exact=True)).to_be_visible()
    expect(shared).to_contain_text("Read before our next ticket review")
    expect(shared.get_by_role("button", name="Unshare")).to_have_count(0)
    assert_accessible(page)
    shared.get_by_role("button", name=f"Mark read {TITLE}").click()
    expect(
        page.get_by_role("region", name="Shared resources").get_by_role("button", name=f"Mark unread {TITLE}")
    ).to_be_visible()
    assert SharedResource.objects.get(resource__title=TITLE).done_by == world.mentee
    page.goto(f"{live_server.url}/library/pairings/{pair.pk}/")
    expect(page.get_by_role("heading", level=1, name="Shared resources")).to_be_visible()
    assert_accessible(page)
