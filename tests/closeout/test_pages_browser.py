"""The close-out pages in a real Chromium, with axe-core on each, including their error states."""

import pytest
from playwright.sync_api import Page, expect

from closeout.models import SurveyResponse
from programmes.models import Cohort
from tests.browser import assert_accessible, login
from tests.closeout.conftest import enrol_mentor, set_state

pytestmark = pytest.mark.browser


@pytest.fixture
def live_world(transactional_db, world):
    return world


def test_admin_ends_a_pairing_and_rematches_then_the_pair_closes_out(in_browser, live_server, live_world):
    w = live_world
    enrol_mentor(w.cohort, "Best Fit", interests=list(w.tags), communication="written")

    def admin_ends_and_rematches(page: Page):
        login(page, live_server, "admin")
        page.goto(f"{live_server.url}/close-out/pairings/{w.pair.pk}/end/")
        expect(page.get_by_role("heading", level=1, name="End a pairing early")).to_be_visible()
        page.get_by_role("button", name="End the pairing").click()  # no reason: an error, not a 500
        expect(page.get_by_text("This field is required.").first).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Not a good fit").check()
        page.get_by_label("Details").fill("Different shifts")
        page.get_by_role("button", name="End the pairing").click()
        expect(page.get_by_text("has ended.")).to_be_visible()
        assert_accessible(page)

        page.get_by_role("link", name="Find a new mentor for Ada Mentee").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Find a new mentor")
        assert_accessible(page)
        page.get_by_label("Best Fit").check()
        page.get_by_role("button", name="Review this pair").click()
        confirm = page.get_by_role("heading", level=2, name="Confirm: pair Ada Mentee with Best Fit")
        expect(confirm).to_be_visible()
        assert_accessible(page)
        page.get_by_role("button", name="Confirm the new pairing").click()
        expect(page.get_by_text("is now paired with Best Fit")).to_be_visible()

        page.goto(f"{live_server.url}/close-out/cohorts/{w.cohort.pk}/summary/")
        expect(page.get_by_role("heading", level=1, name="Close-out")).to_be_visible()
        assert_accessible(page)

    def mentee_reflects_and_answers(page: Page):
        login(page, live_server, "mentee")
        page.goto(f"{live_server.url}/close-out/pairings/{w.pair.pk}/reflection/")
        page.get_by_role("button", name="Save my reflection").click()
        expect(page.get_by_text("This field is required.").first).to_be_visible()
        assert_accessible(page)
        page.get_by_label("What we achieved").fill("Fewer escalations")
        page.get_by_label("What I learned").fill("Ask early")
        page.get_by_role("button", name="Save my reflection").click()
        expect(page.get_by_text("Your reflection is saved.")).to_be_visible()
        assert_accessible(page)

        page.goto(f"{live_server.url}/close-out/cohorts/{w.cohort.pk}/survey/")
        page.get_by_label("Anything else? (optional)").fill("Kept comment")
        page.get_by_role("button", name="Send my answer").click()
        expect(page.get_by_label("Anything else? (optional)")).to_have_value("Kept comment")
        assert_accessible(page)
        page.get_by_label("4 · satisfied").check()
        page.get_by_label("10 · extremely likely").check()
        page.get_by_role("button", name="Send my answer").click()
        expect(page.get_by_text("Thanks, you answered on")).to_be_visible()
        assert_accessible(page)

    in_browser(admin_ends_and_rematches)
    set_state(w.cohort, Cohort.State.CONCLUDING)
    in_browser(mentee_reflects_and_answers)
    assert SurveyResponse.objects.get().recommend == 10
