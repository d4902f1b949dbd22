"""Each role's home in a real Chromium, with axe: a mentee, a mentor with two mentees, a programme
admin, a manager and someone in nothing. Each page is also written as a screenshot at desktop and
phone width to var/screenshots/home-<role>-<desktop|phone>.png for a reviewer to look at."""

import datetime
import pathlib

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from programmes.models import Cohort, Enrolment
from sessions.models import ActionItem, ScheduledSession
from tests.browser import DESKTOP, PHONE, assert_accessible, login, new_checked_page
from tests.factories import (
    CheckInFactory,
    CohortFactory,
    EnrolmentFactory,
    GoalFactory,
    PairingFactory,
    PersonFactory,
    SessionFactory,
    build_world,
)

pytestmark = pytest.mark.browser

SCREENSHOTS = pathlib.Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def org(transactional_db):
    """The shared world, with steps dated from the real today (the live server's clock)."""
    today = timezone.localdate()
    now = timezone.now()
    world = build_world(today=today)
    # Omar mentors a second person; each of his pairs has something of its own.
    third = PairingFactory(
        match_run=world.run,
        mentor=world.pair.mentor,
        mentee=EnrolmentFactory(cohort=world.cohort, person=PersonFactory(full_name="Kai Newcomer")),
    )
    ScheduledSession.objects.create(
        pairing=world.pair, starts_at=now + datetime.timedelta(days=2), created_by=world.mentor
    )
    SessionFactory(pairing=world.pair, held_on=today - datetime.timedelta(days=3), logged_by=world.mentor)
    SessionFactory(pairing=third, held_on=today - datetime.timedelta(days=5), logged_by=third.mentee.person)
    ActionItem.objects.create(
        pairing=world.pair,
        description="Read the refund policy and list three questions",
        owner=world.mentee,
        due_on=today - datetime.timedelta(days=2),
    )
    ActionItem.objects.create(
        pairing=third, description="Share the escalation checklist", owner=world.mentor, due_on=today
    )
    GoalFactory(pairing=world.pair, due_on=today + datetime.timedelta(days=9))
    CheckInFactory(pairing=world.pair2, person=world.mentee2, satisfaction=2, period_key="x")
    # Something for the admin in another cohort: applications and a waitlist to review.
    spring = CohortFactory(
        name="Spring 2027",
        state=Cohort.State.ENROLLING,
        starts_on=today + datetime.timedelta(days=60),
        ends_on=today + datetime.timedelta(days=240),
    )
    EnrolmentFactory(cohort=spring, role=Enrolment.Role.MENTOR, status=Enrolment.Status.APPLIED)
    EnrolmentFactory(cohort=spring, status=Enrolment.Status.WAITLISTED)
    return world


def _shoot(page: Page, role: str, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"home-{role}-{size}.png"), full_page=True)


def _fits_the_phone(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


ROLES = {
    # login: (what the home shows, what it must not)
    "mentee": (
        ["Your to-do list", "Read the refund policy and list three questions", "Your mentor Omar Mentor"],
        [],
    ),
    "mentor": (["Your to-do list", "Ada Mentee", "Kai Newcomer", "Share the escalation checklist"], []),
    "admin": (
        ["Needs your attention", "mentor application to review", "mentee on the waitlist"],
        ["Your to-do list"],
    ),
    "manager": (["Your teams' mentoring", "Open the dashboard"], ["Needs your attention"]),
    "outsider": (["You're not in a mentoring programme yet"], ["Your to-do list", "Needs your attention"]),
}


@pytest.mark.parametrize("role", list(ROLES))
def test_each_roles_home_shows_what_it_should_and_passes_axe(org, live_server, browser, role):
    shows, hides = ROLES[role]
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = new_checked_page(browser, viewport)
        context = page.context
        try:
            login(page, live_server, role)
            main = page.locator("main")
            for text in shows:
                expect(main.get_by_text(text, exact=False).first).to_be_visible()
            for text in hides:
                expect(main.get_by_text(text, exact=False)).to_have_count(0)
            assert_accessible(page)
            if size == "phone":
                assert _fits_the_phone(page), f"{role}'s home scrolls sideways on a phone"
            _shoot(page, role, size)
        finally:
            context.close()


def test_a_step_on_the_list_opens_the_page_where_it_is_done(org, live_server, page: Page):
    login(page, live_server, "mentee")
    page.get_by_role("link", name="Confirm and rate your session with Omar Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert f"/pairings/{org.pair.pk}/sessions/" in page.url
    assert_accessible(page)
    page.go_back()
    calendar = page.get_by_role("link", name="Add to my calendar")
    assert calendar.get_attribute("href").endswith("invite.ics")
    # Overdue, and so marked: the action item and the agreement nobody has signed a week in.
    overdue = page.locator("li.list-group-item-danger")
    expect(overdue).to_have_count(2)
    expect(overdue.filter(has_text="Read the refund policy and list three questions")).to_have_count(1)
    agreement = "Fill in and sign your mentoring agreement with Omar Mentor"
    expect(overdue.filter(has_text=agreement)).to_have_count(1)
