"""The admin's review of matching in a real Chromium, with axe on every page.

The admin runs matching on a small cohort, pins one pair and forbids another, runs matching again
(the pin holds, the forbidden pair is gone), compares the two runs and publishes; the mentee then
logs in and reads why they were paired.
"""

import datetime
import re
import types

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from people.models import Tag
from programmes.models import Cohort, Enrolment
from tests.browser import assert_accessible, log_out, login
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory, person_with_login

pytestmark = pytest.mark.browser

MENTOR_HIRED, MENTEE_HIRED = datetime.date(2019, 1, 7), datetime.date(2025, 6, 2)


@pytest.fixture
def cohort(transactional_db):
    """An enrolling cohort: Ada and Bo are mentees; Omar shares Ada's interest, Lin shares Bo's,
    Kim shares nobody's. Each mentor takes one mentee."""
    billing, apis = Tag.objects.create(name="billing"), Tag.objects.create(name="APIs")
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    cohort = CohortFactory(name="Spring intake", state=Cohort.State.ENROLLING)

    def mentor(name, *interests):
        person = PersonFactory(full_name=name, hire_date=MENTOR_HIRED)
        person.interests.set(interests)
        person.skills.set(interests)
        return EnrolmentFactory(cohort=cohort, person=person, role=Enrolment.Role.MENTOR, capacity=1)

    ada = person_with_login("mentee", "Ada Mentee", hire_date=MENTEE_HIRED)
    ada.interests.set([billing])
    bo = PersonFactory(full_name="Bo Mentee", hire_date=MENTEE_HIRED)
    bo.interests.set([apis])
    for person in (ada, bo):
        EnrolmentFactory(cohort=cohort, person=person, role=Enrolment.Role.MENTEE)
    mentor("Omar Mentor", billing)
    mentor("Lin Mentor", apis)
    mentor("Kim Mentor")
    return types.SimpleNamespace(cohort=cohort)


def _row(page: Page, mentee: str):
    return page.get_by_role("region", name="Proposed pairs").get_by_role("row").filter(has_text=mentee)


def test_admin_pins_forbids_reruns_and_publishes_then_the_mentee_reads_why(page: Page, live_server, cohort):
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{cohort.cohort.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name="Spring intake")).to_be_visible()
    page.get_by_role("button", name="Run matching").click()
    # Nobody has finished a profile: the admin is warned, with how many and where to see them.
    expect(page.get_by_role("alert")).to_contain_text(
        "5 people in this cohort have not finished their profile."
    )
    expect(page.get_by_role("link", name="See who has not finished their profile")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Run matching anyway").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Match run \d+$"))).to_be_visible()
    expect(_row(page, "Ada Mentee")).to_contain_text("Omar Mentor")
    expect(_row(page, "Bo Mentee")).to_contain_text("Lin Mentor")
    expect(_row(page, "Ada Mentee").get_by_role("listitem")).to_contain_text(["Shares 1 interest: billing"])
    expect(page.locator("[data-metric='pairs']")).to_have_text("2")
    assert_accessible(page)
    first_run_url = page.url

    page.get_by_role("button", name="Pin Ada Mentee to Omar Mentor").click()
    expect(page.get_by_role("status")).to_have_text("Pinned Ada Mentee to Omar Mentor for the next runs.")
    assert_accessible(page)
    page.get_by_role("button", name="Forbid Bo Mentee with Lin Mentor").click()
    expect(page.get_by_role("status")).to_have_text(
        "Bo Mentee will not be paired with Lin Mentor in the next runs."
    )
    rules = page.get_by_role("region", name="Pinned and forbidden pairs")
    expect(rules.get_by_role("listitem")).to_have_text(
        [
            re.compile("Ada Mentee is pinned to Omar Mentor"),
            re.compile("Bo Mentee must not be paired with Lin Mentor"),
        ]
    )
    assert_accessible(page)

    page.get_by_role("button", name="Run matching again").click()
    page.get_by_role("button", name="Run matching anyway").click()
    expect(page.get_by_role("status")).to_have_text("Matching proposed 2 pairs. Review them, then publish.")
    assert page.url != first_run_url
    expect(_row(page, "Ada Mentee")).to_contain_text("Omar Mentor")
    expect(_row(page, "Ada Mentee")).to_contain_text("Pinned")
    expect(_row(page, "Bo Mentee")).to_contain_text("Kim Mentor")
    expect(page.get_by_role("region", name="Proposed pairs")).not_to_contain_text("Lin Mentor")
    assert_accessible(page)

    page.get_by_role("link", name="Compare runs").click()
    expect(page.get_by_role("heading", level=1, name="Compare runs of Spring intake")).to_be_visible()
    changed = page.get_by_role("region", name="Mentees whose mentor changed")
    expect(changed.get_by_role("row").filter(has_text="Bo Mentee")).to_contain_text("Lin Mentor")
    expect(changed.get_by_role("row").filter(has_text="Bo Mentee")).to_contain_text("Kim Mentor")
    expect(page.get_by_role("table", name=re.compile(r"^Pairs by score, run \d+$"))).to_have_count(2)
    assert_accessible(page)
    page.go_back()

    page.get_by_role("button", name="Publish these pairs").click()
    expect(page.get_by_role("status")).to_have_text(
        "Published. The pairs can now see each other and start meeting."
    )
    expect(page.get_by_role("heading", level=1, name="Spring intake")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    login(page, live_server, "mentee")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your mentor: Omar Mentor")
    why = page.get_by_role("region", name="Why you were paired")
    expect(why).to_contain_text("Shares 1 interest: billing")
    assert_accessible(page)


def test_a_background_run_says_it_is_queued_then_moves_on_to_its_proposal(page: Page, live_server, cohort):
    from django.utils import timezone

    from matching import tasks
    from matching.models import MatchRun

    admin = UserFactory(username="admin")
    run = MatchRun.objects.create(
        cohort=cohort.cohort,
        created_by=admin,
        status=MatchRun.Status.QUEUED,
        lease_expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{run.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1, name="Matching Spring intake")).to_be_visible()
    # No percentage: the solver reports none, so the page says only what is true.
    expect(page.get_by_role("progressbar")).to_have_count(0)
    expect(page.get_by_text("Matching is queued and starts as soon as a worker is free.")).to_be_visible()
    assert_accessible(page)

    # The worker picks the run up while the page polls, and the page moves on to the proposal.
    assert tasks.run_matching(run.pk) == MatchRun.Status.PROPOSED
    expect(page.get_by_role("heading", level=1, name=f"Match run {run.pk}")).to_be_visible()
    expect(page.locator("[data-metric='pairs']")).to_have_text("2")
    assert_accessible(page)


def test_admin_picks_people_for_a_rule_and_a_swap_as_they_type(page: Page, live_server, cohort):
    """No select of the whole cohort: the pickers suggest people from the search as the admin types,
    and take an email or employee id (what a suggestion fills in)."""
    from matching.services import match_run_create

    Enrolment.objects.filter(cohort=cohort.cohort).update(
        profile_completed_at=datetime.datetime.now(datetime.UTC)
    )
    run = match_run_create(cohort=cohort.cohort, by=UserFactory._meta.model.objects.get(username="admin"))
    PersonFactory._meta.model.objects.filter(full_name="Kim Mentor").update(employee_id="E-KIM")
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}{run.get_absolute_url()}")
    rules = page.get_by_role("region", name="Pinned and forbidden pairs")
    mentee = rules.get_by_role("combobox", name="Mentee")
    mentee.fill("Ada")
    # The search's answer fills the picker's list of suggestions.
    expect(rules.locator("datalist#rule-mentee_person-options option")).to_have_count(1)
    value = rules.locator("datalist#rule-mentee_person-options option").get_attribute("value")
    mentee.fill(value)
    rules.get_by_role("combobox", name="Mentor").fill("e-kim")
    rules.get_by_label("Rule").select_option("pin")
    assert_accessible(page)
    rules.get_by_role("button", name="Add rule").click()
    expect(page.get_by_role("status")).to_have_text("Pinned Ada Mentee to Kim Mentor for the next runs.")

    swap = page.get_by_role("region", name="Swap two mentors")
    swap.get_by_role("combobox", name="Swap the mentor of").fill("nobody@nowhere.example")
    swap.get_by_role("combobox", name="with the mentor of").fill(value)
    swap.get_by_role("button", name="Swap mentors").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Swap the mentor of: No one who can be chosen here has that email or employee id."
    )
    assert_accessible(page)
