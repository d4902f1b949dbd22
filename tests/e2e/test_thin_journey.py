"""The thin end-to-end journey in a real Chromium against the live server, with axe on every page.

An admin sets up a cohort, enrols a pair, matches and publishes; the mentee logs a session and a
SMART goal; their manager reads the dashboard. Then the edges: another pair's workspace is a 404,
the dashboard needs a login, and the navigation still works on a phone.
"""

import datetime
import re
import types

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from people.models import Tag
from tests.browser import assert_accessible, log_out, login
from tests.factories import PairingFactory, PersonFactory, TeamFactory, UserFactory, person_with_login

pytestmark = pytest.mark.browser


@pytest.fixture
def org(transactional_db):
    """An admin, a mentor and a mentee not yet enrolled anywhere, and their manager's teams sized so
    the dashboard shows figures (at least five participants and five others)."""
    tier1, tier2 = TeamFactory(name="Tier 1"), TeamFactory(name="Tier 2")
    billing = Tag.objects.create(name="billing")
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    manager = person_with_login("manager", "Maya Manager", team=tier2)
    # Mentors are experienced: the cohort's default rule wants 180 more days of tenure than the mentee.
    mentor = person_with_login(
        "mentor", "Omar Mentor", team=tier2, communication="written", hire_date=datetime.date(2021, 5, 10)
    )
    mentor.interests.set([billing])
    mentor.skills.set([billing])
    mentee = person_with_login("mentee", "Ada Mentee", team=tier1, manager=manager, communication="written")
    mentee.interests.set([billing])
    # Four earlier mentees in the manager's team, still paired: with Ada that makes five participants.
    for n in range(4):
        PairingFactory(
            mentee__person=PersonFactory(full_name=f"Earlier Mentee {n}", team=tier1, manager=manager)
        )
    # Five colleagues who never joined, one of whom has left: retention 4 of 5.
    for n in range(4):
        PersonFactory(full_name=f"Colleague {n}", team=tier1, manager=manager)
    PersonFactory(
        full_name="Colleague who left",
        team=tier1,
        manager=manager,
        leave_date=timezone.localdate() - datetime.timedelta(days=30),
    )
    return types.SimpleNamespace(admin=admin, manager=manager, mentor=mentor, mentee=mentee)


def _admin_sets_up_and_publishes(page: Page, live_server, today: datetime.date) -> None:
    login(page, live_server, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", level=1, name="Cohorts")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New cohort").click()
    expect(page.get_by_role("heading", level=1, name="New cohort")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("…or start a new programme").fill("Tier 1 onboarding")
    page.get_by_label("Name").fill("Winter intake")
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + datetime.timedelta(days=180)).isoformat())
    page.get_by_label("Meet every (days)").fill("14")
    page.get_by_role("button", name="Create cohort").click()

    expect(page.get_by_role("heading", level=1, name="Winter intake")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Cohort “Winter intake” created")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Open enrolment").click()
    expect(page.get_by_role("status").filter(has_text="The cohort is now enrolling.")).to_be_visible()

    enrol = page.locator("section", has=page.get_by_role("heading", name="Enrol someone"))
    # The picker suggests as you type; choosing a suggestion fills in that person's email or id.
    enrol.get_by_label("Person").press_sequentially("Omar")
    suggestion = enrol.locator("datalist option", has_text="Omar Mentor · Tier 2")
    expect(suggestion).to_have_count(1)
    enrol.get_by_label("Person").fill(suggestion.get_attribute("value"))
    enrol.get_by_label("Role").select_option(label="Mentor")
    enrol.get_by_label("Mentees they can take").fill("2")
    enrol.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("status").filter(has_text="Omar Mentor enrolled as mentor.")).to_be_visible()
    assert_accessible(page)

    enrol.get_by_label("Person").fill("mentee@example.com")  # typed in full, as without JavaScript
    enrol.get_by_label("Role").select_option(label="Mentee")
    enrol.get_by_label("Goal areas").select_option(label="billing")
    enrol.get_by_role("button", name="Enrol").click()
    expect(page.get_by_role("status").filter(has_text="Ada Mentee enrolled as mentee.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Run matching").click()
    # The admin enrolled them, so neither has finished a profile: matching asks first.
    page.get_by_role("button", name="Run matching anyway").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Match run \d+$"))).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Matching proposed 1 pairs?\."))
    row = page.get_by_role("row").filter(has_text="Ada Mentee")
    expect(row).to_contain_text("Omar Mentor")
    expect(row.get_by_role("cell").nth(2)).to_have_text(re.compile(r"^\d+\.\d$"))
    expect(row.get_by_role("listitem")).to_contain_text(
        ["Both prefer", "Shares 1 interest: billing", "Covers 1 of 1 goal areas: billing"]
    )
    assert_accessible(page)

    page.get_by_role("button", name="Publish these pairs").click()
    expect(page.get_by_role("status")).to_have_text(
        "Published. The pairs can now see each other and start meeting."
    )
    expect(page.get_by_role("heading", level=1, name="Winter intake")).to_be_visible()
    assert_accessible(page)
    log_out(page)
    assert_accessible(page)


def _mentee_logs_a_session_and_a_goal(page: Page, live_server, today: datetime.date) -> None:
    login(page, live_server, "mentee")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentoring").click()
    # One pairing: the list goes straight to its workspace.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentor: Omar Mentor")
    why = page.get_by_role("region", name="Why you were paired")
    expect(why).to_contain_text("Shares 1 interest: billing")
    expect(why).to_contain_text(re.compile(r"Match score \d+ / 100"))
    assert_accessible(page)

    page.get_by_role("link", name="Log a session").click()
    expect(page.get_by_role("heading", level=1, name="Log a session")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Format").select_option(label="Ticket review")
    page.get_by_role("checkbox", name="De-escalation").check()
    page.get_by_label("Shared notes").fill("Reviewed two refund escalations together.")
    page.get_by_role("radio", name="5", exact=True).check()
    page.get_by_role("button", name="Save session").click()

    expect(page.get_by_role("status")).to_have_text("Session logged. Nice work.")
    sessions = page.get_by_role("region", name=re.compile("^Sessions"))
    logged = sessions.get_by_role("listitem").filter(has_text="Ticket review")
    expect(logged).to_contain_text("rated 5/5")
    expect(logged).to_contain_text("Reviewed two refund escalations together.")
    assert_accessible(page)

    page.get_by_role("link", name="Add a goal").click()
    expect(page.get_by_role("heading", level=1, name="New SMART goal")).to_be_visible()
    assert_accessible(page)
    due = today + datetime.timedelta(days=90)
    page.get_by_role("link", name="Start blank").click()
    page.get_by_label("Specific").fill("Close billing escalations without a hand-over")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Measurable").fill("Hand-overs per week")
    page.get_by_label("Baseline").fill("6")
    page.get_by_label("Target").fill("6")
    page.get_by_role("button", name="Next").click()

    # Refused with the reason next to the field, and nothing the mentee typed is lost.
    expect(page.get_by_text("The target must differ from the baseline")).to_be_visible()
    expect(page.get_by_label("Target")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Measurable")).to_have_value("Hand-overs per week")
    expect(page.get_by_label("Baseline")).to_have_value("6")
    assert_accessible(page)

    page.get_by_label("Target").fill("2")
    for _step in ("Measurable", "Achievable", "Relevant"):
        page.get_by_role("button", name="Next").click()
    page.get_by_label("Time-bound").fill(due.isoformat())
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("status")).to_have_text("Goal added.")
    assert_accessible(page)
    page.get_by_role("link", name="Back to the workspace").click()
    goal = page.get_by_role("region", name="Goals").get_by_role("listitem")
    expect(goal).to_contain_text("Close billing escalations without a hand-over")
    expect(goal).to_contain_text("Hand-overs per week: 6 → 2")
    assert_accessible(page)
    log_out(page)


def _manager_reads_the_dashboard(page: Page, live_server) -> None:
    login(page, live_server, "manager")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert_accessible(page)

    # Ada's new pair plus the four earlier ones, and a panel per outcome (their figures are worked out
    # by hand in tests/dashboards).
    expect(page.get_by_text("5 active pairings in scope.")).to_be_visible()
    for panel in ("retention", "satisfaction", "engagement", "goals"):
        expect(page.locator(f"[data-panel='{panel}']")).to_be_visible()
    log_out(page)


def test_admin_publishes_a_pair_the_mentee_logs_work_and_the_manager_sees_figures(page, live_server, org):
    today = timezone.localdate()
    _admin_sets_up_and_publishes(page, live_server, today)
    _mentee_logs_a_session_and_a_goal(page, live_server, today)
    _manager_reads_the_dashboard(page, live_server)


def test_another_pairs_workspace_is_a_404_and_the_dashboard_asks_for_a_login(page, live_server, world):
    login(page, live_server, "mentee2")
    response = page.goto(f"{live_server.url}/pairings/{world.pair.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We couldn't find that page")
    expect(page.get_by_text("Ada Mentee")).to_have_count(0)
    assert_accessible(page)
    log_out(page)

    page.goto(f"{live_server.url}/dashboard/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/dashboard/$"))
    expect(page.get_by_role("heading", level=1, name="Log in")).to_be_visible()
    assert_accessible(page)


def test_phone_navigation_collapses_and_still_reaches_my_mentoring(phone_page, live_server, world):
    page = phone_page
    login(page, live_server, "mentee")
    nav = page.get_by_role("navigation", name="Main")
    my_mentoring = nav.get_by_role("link", name="My mentoring")
    toggler = nav.get_by_role("button", name="Toggle navigation")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(my_mentoring).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(my_mentoring).to_be_visible()
    assert_accessible(page)
    my_mentoring.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentor: Omar Mentor")
    assert_accessible(page)
