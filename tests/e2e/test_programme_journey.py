"""Issue 3's journey in a real Chromium against the live server, with axe on every page visited.

A programme admin creates a programme and a cohort, imports the people from an HR CSV (a bad row is
refused first and nothing is saved), opens enrolment and invites a mentor and a mentee. Each of them
opens the emailed link in their own browser, sets a password and fills in the questionnaire; the
admin approves the mentor. The admin then walks the cohort through every state to closed: a refused
move on the way, matching, publishing, close-out, the mentee's survey and reflection, and closing.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from people.models import Person, Tag
from programmes.models import Cohort
from tests.browser import (
    DESKTOP,
    assert_accessible,
    assert_no_csp_violation,
    log_out,
    login,
    new_checked_page,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PROGRAMME = "Tier 1 retention"
COHORT = "Spring 2027"
HEADER = "employee_id,name,email,team,manager_employee_id,hire_date,leave_date"
MENTOR_ROW = "E100,Mira Mentor,mira@example.com,Tier 2,,2019-05-01,"
MANAGER_ROW = "E300,Maya Manager,maya@example.com,Tier 1,,2018-02-01,"
PASSWORD = "a-long-secret-1"  # noqa: S105 - test password


@pytest.fixture
def org(transactional_db):
    """Only a programme admin and the questionnaire's tags: everyone else arrives by the import."""
    Tag.objects.create(name="billing")
    Tag.objects.create(name="de-escalation")
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    return admin


@pytest.fixture
def new_person_page(browser: Browser):
    """A fresh browser context per call: each invited person has their own cookies."""
    contexts = []

    def make() -> Page:
        page = new_checked_page(browser, DESKTOP)
        contexts.append(page)
        return page

    yield make
    try:
        for page in contexts:
            assert_no_csp_violation(page)
    finally:
        for page in contexts:
            page.context.close()


def _status(page: Page, text: str):
    return page.get_by_role("status").filter(has_text=text)


def _alert(page: Page, text: str):
    """Refusals are announced assertively (role=alert); confirmations politely (role=status)."""
    return page.get_by_role("alert").filter(has_text=text)


def _lifecycle_button(page: Page, name: str):
    return page.get_by_role("region", name="Lifecycle").get_by_role("button", name=name)


def _creates_programme_and_cohort(page: Page, live_server, today: datetime.date) -> None:
    login(page, live_server, "admin")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programmes").click()
    expect(page.get_by_role("heading", level=1, name="Programmes")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New programme", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="New programme")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name").fill(PROGRAMME)
    page.get_by_label("Objectives").fill("Keep new Tier 1 agents past their first year.")
    page.get_by_label("Retention target (%)").fill("85")
    page.get_by_label("Satisfaction target (1-5)").fill("4.2")
    page.get_by_label("CSAT target (%)").fill("92")
    page.get_by_role("button", name="Save programme").click()

    expect(page.get_by_role("heading", level=1, name=PROGRAMME)).to_be_visible()
    expect(_status(page, f"Programme “{PROGRAMME}” saved.")).to_be_visible()
    aims = page.get_by_role("region", name="What it aims for")
    expect(aims).to_contain_text("Keep new Tier 1 agents past their first year.")
    expect(aims).to_contain_text("85.0%")
    expect(aims).to_contain_text("4.20")
    expect(aims).to_contain_text("92.0%")
    assert_accessible(page)

    page.get_by_role("link", name="New cohort").click()
    expect(page.get_by_role("heading", level=1, name="New cohort")).to_be_visible()
    expect(page.get_by_role("combobox", name=re.compile(r"^Programme\b"))).to_have_value(re.compile(r"^\d+$"))
    assert_accessible(page)
    page.get_by_role("textbox", name=re.compile(r"^Name\b")).fill(COHORT)
    page.get_by_label("Starts on").fill(today.isoformat())
    page.get_by_label("Ends on").fill((today + datetime.timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Create cohort").click()

    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    expect(_status(page, f"Cohort “{COHORT}” created as a draft.")).to_be_visible()
    expect(page.get_by_role("link", name=PROGRAMME)).to_be_visible()
    assert_accessible(page)


def _imports_people(page: Page, tmp_path) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Import people").first.click()
    expect(page.get_by_role("heading", level=1, name="Import people")).to_be_visible()
    assert_accessible(page)

    # The HR export as it first arrives: Tom's hire date is in the wrong format.
    hr_file = tmp_path / "hr-export.csv"
    mentee_row = "E200,Tom Mentee,tom@example.com,Tier 1,E300,{hired},"
    rows = [MENTOR_ROW, mentee_row.format(hired="31/03/2026"), MANAGER_ROW]
    hr_file.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    upload = page.get_by_label("CSV file from the HR system")
    upload.set_input_files(hr_file)
    page.get_by_role("button", name="Check the file").click()

    expect(page.get_by_role("heading", level=2, name="Errors")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("nothing can be imported yet")
    error = page.get_by_role("row").filter(has_text="is not a date like 2024-03-31")
    expect(error).to_contain_text("31/03/2026")
    expect(error).to_contain_text("hire_date")
    expect(page.get_by_role("button", name="Apply the import")).to_have_count(0)
    assert_accessible(page)
    assert not Person.objects.exists(), "a file with an error must save nobody"

    rows[1] = mentee_row.format(hired="2026-03-31")
    hr_file.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    upload.set_input_files(hr_file)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=2, name="Preview")).to_be_visible()
    expect(page.get_by_text("All 3 rows passed the checks.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Apply the import").click()

    expect(page.get_by_role("heading", level=1, name="People")).to_be_visible()
    expect(_status(page, "Import applied: 3 created, 0 updated, 0 unchanged.")).to_be_visible()
    for name in ("Mira Mentor", "Tom Mentee", "Maya Manager"):
        expect(page.get_by_role("row", name=re.compile(f"^Select {name} "))).to_be_visible()
    # The manager column came through the file's employee ids.
    expect(page.get_by_role("row", name=re.compile("^Select Tom Mentee "))).to_contain_text("Maya Manager")
    assert_accessible(page)


def _opens_enrolment_and_invites(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cohorts").click()
    expect(page.get_by_role("heading", level=1, name="Cohorts")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=COHORT).click()
    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    assert_accessible(page)
    _lifecycle_button(page, "Open enrolment").click()
    expect(_status(page, "The cohort is now enrolling.")).to_be_visible()
    expect(page.get_by_role("region", name="Lifecycle").locator("[aria-current=step]")).to_have_text(
        "Enrolling"
    )
    assert_accessible(page)

    page.get_by_role("link", name="Invite people").click()
    expect(page.get_by_role("heading", level=1, name=f"Invite people to {COHORT}")).to_be_visible()
    assert_accessible(page)
    for name, role in (("Mira Mentor", "Mentor"), ("Tom Mentee", "Mentee")):
        page.get_by_role("checkbox", name=re.compile(f"^{name} · ")).check()
        page.get_by_role("radio", name=role, exact=True).check()
        page.get_by_role("button", name="Send invitations").click()
        expect(_status(page, "1 invitation on its way.")).to_be_visible()
        expect(page.get_by_role("checkbox", name=re.compile(f"^{name} · "))).to_have_count(0)
        assert_accessible(page)


def _invitation_link(email: str) -> str:
    message = next(m for m in mail.outbox if m.to == [email])
    return re.search(r"http://testserver(/enrol/invitation/\S+/)", message.body).group(1)


def _accepts_invitation(page: Page, live_server, email: str) -> None:
    page.goto(live_server.url + _invitation_link(email))
    expect(page.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
    expect(page.get_by_label("Your login (your email)")).to_have_value(email)
    assert_accessible(page)
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type it again").fill(PASSWORD)
    page.get_by_role("button", name="Create my login and join").click()
    expect(page.get_by_role("heading", level=1, name=f"Your profile for {COHORT}")).to_be_visible()
    assert_accessible(page)


def _fills_work_style_and_practicalities(page: Page, *, time_zone: str) -> None:
    page.get_by_label("Written first").check()
    page.get_by_label("Structured, with an agenda").check()
    page.get_by_label("Steady and thorough").check()
    page.get_by_label("Direct and candid").check()
    page.get_by_role("group", name="What interests you").get_by_label("billing").check()
    page.get_by_role("group", name="What you are good at").get_by_label("de-escalation").check()
    page.get_by_label("Your time zone").select_option(time_zone)
    page.get_by_label("Video call").check()


def _saves_profile(page: Page) -> None:
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("heading", level=1, name="My enrolments")).to_be_visible()
    expect(_status(page, "Profile saved. Thank you!")).to_be_visible()
    expect(page.get_by_role("link", name="Edit your profile")).to_be_visible()
    assert_accessible(page)


def _mentor_applies(page: Page, live_server) -> None:
    _accepts_invitation(page, live_server, "mira@example.com")
    expect(_status(page, "Thanks for applying to mentor.")).to_be_visible()
    _fills_work_style_and_practicalities(page, time_zone="Europe/Lisbon")
    page.get_by_label("Why do you want to mentor?").fill("I learned billing the hard way; nobody should.")
    page.get_by_label("How many mentees can you take on?").fill("2")
    _saves_profile(page)
    expect(page.get_by_text("Applied (awaiting approval)", exact=True)).to_be_visible()


def _matching_is_refused_until_a_mentor_is_approved(page: Page) -> None:
    page.get_by_role("link", name=f"← {COHORT}").click()
    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    assert_accessible(page)
    _lifecycle_button(page, "Close enrolment and start matching").click()
    expect(_alert(page, "Enrol and approve at least one mentor before matching.")).to_be_visible()
    expect(page.get_by_role("region", name="Lifecycle").locator("[aria-current=step]")).to_have_text(
        "Enrolling"
    )
    assert_accessible(page)


def _approves_the_mentor(page: Page) -> None:
    page.get_by_role("link", name="Applications & waitlist").click()
    expect(page.get_by_role("heading", level=1, name=f"Enrolment review: {COHORT}")).to_be_visible()
    assert_accessible(page)
    application = page.get_by_role("article", name=re.compile("Mira Mentor"))
    expect(application).to_contain_text("I learned billing the hard way; nobody should.")
    for check in ("Expertise", "Communication", "Patience"):
        application.get_by_label(re.compile(f"{check}: ")).check()
    application.get_by_role("button", name="Approve").click()
    expect(_status(page, "Mira Mentor's application approved.")).to_be_visible()
    expect(page.get_by_text("No applications waiting.")).to_be_visible()
    assert_accessible(page)


def _mentee_joins(page: Page, live_server) -> None:
    _accepts_invitation(page, live_server, "tom@example.com")
    expect(_status(page, "You're in!")).to_be_visible()
    _fills_work_style_and_practicalities(page, time_zone="Europe/London")
    page.get_by_label("What do you want to get better at?").fill("Stay calm with angry billing customers")
    page.get_by_role("group", name="Goal areas").get_by_label("billing").check()
    _saves_profile(page)
    expect(page.get_by_text("Enrolled", exact=True)).to_be_visible()


def _matches_and_publishes(page: Page) -> None:
    page.get_by_role("link", name=f"← {COHORT}").click()
    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    assert_accessible(page)
    _lifecycle_button(page, "Close enrolment and start matching").click()
    expect(_status(page, "The cohort is now matching.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_role("heading", level=1, name=re.compile(r"^Match run \d+$"))).to_be_visible()
    expect(_status(page, "Matching proposed 1 pair.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Tom Mentee")).to_contain_text("Mira Mentor")
    assert_accessible(page)

    page.get_by_role("button", name="Publish these pairs").click()
    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    expect(_status(page, "Published.")).to_be_visible()
    expect(page.get_by_role("region", name="Lifecycle").locator("[aria-current=step]")).to_have_text("Active")
    expect(page.get_by_role("region", name=re.compile("^Mentees")).get_by_role("listitem")).to_contain_text(
        "with Mira Mentor"
    )
    assert_accessible(page)


def _begins_close_out(page: Page) -> None:
    page.get_by_role("region", name="Lifecycle").get_by_role("link", name="Begin close-out").click()
    expect(page.get_by_role("heading", level=1, name="Begin close-out")).to_be_visible()
    expect(
        page.get_by_text("Pairs will be asked for reflections and the end-of-cohort survey.")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Begin close-out").click()
    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    expect(_status(page, "The cohort is now concluding.")).to_be_visible()
    assert_accessible(page)


def _mentee_answers_survey_and_reflects(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentoring").click()
    # One pairing: the list goes straight to its workspace.
    expect(page.get_by_role("heading", level=1, name="Your mentor: Mira Mentor")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="End-of-cohort survey").click()
    expect(page.get_by_role("heading", level=1, name="End-of-cohort survey")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="5 · very satisfied").check()
    page.get_by_role("radio", name="9", exact=True).check()
    page.get_by_label("Anything else? (optional)").fill("Mira made billing tickets far less scary.")
    page.get_by_role("button", name="Send my answer").click()
    expect(_status(page, "Thank you: your answer is saved.")).to_be_visible()
    expect(page.get_by_role("radio", name="5 · very satisfied")).to_be_checked()
    expect(page.get_by_role("button", name="Update my answer")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("heading", level=1, name="Your mentor: Mira Mentor")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Write your reflection").click()
    expect(page.get_by_role("heading", level=1, name="Reflect on your mentorship")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What we achieved").fill("I close billing escalations without a hand-over.")
    page.get_by_label("What I learned").fill("Ask for the invoice number first.")
    page.get_by_role("button", name="Save my reflection").click()
    expect(_status(page, "Your reflection is saved.")).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name="Your reflection (you can still edit it)")
    ).to_be_visible()
    assert_accessible(page)


def _closes_the_cohort(page: Page) -> None:
    page.get_by_role("region", name="Lifecycle").get_by_role("link", name="Close the cohort").click()
    expect(page.get_by_role("heading", level=1, name="Close the cohort")).to_be_visible()
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the cohort").click()

    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    expect(_status(page, "The cohort is now closed.")).to_be_visible()
    lifecycle = page.get_by_role("region", name="Lifecycle")
    expect(lifecycle.locator("[aria-current=step]")).to_have_text("Closed")
    expect(lifecycle).to_contain_text("This cohort is closed and read-only.")
    expect(lifecycle.get_by_role("button")).to_have_count(0)
    expect(page.get_by_role("region", name="Enrol someone")).to_have_count(0)
    expect(page.get_by_role("link", name="Invite people")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1, name=f"Settings: {COHORT}")).to_be_visible()
    expect(_status(page, "This cohort is closed: its settings are read-only.")).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile(r"^Name\b"))).to_be_disabled()
    expect(page.get_by_role("button", name="Save settings")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Back to the cohort").click()
    expect(page.get_by_role("heading", level=1, name=COHORT)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Survey results").click()
    expect(page.get_by_role("heading", level=1, name="Close-out")).to_be_visible()
    survey = page.get_by_role("region", name="End-of-cohort survey")
    expect(survey.get_by_role("row").filter(has_text="Mentees")).to_contain_text("1 / 1")
    expect(survey.get_by_role("row").filter(has_text="Mentors")).to_contain_text("0 / 1")
    # One answer is fewer than the five the summary needs before it shows an average.
    expect(survey.get_by_role("row").filter(has_text="Everyone")).to_contain_text("not enough responses")
    pairings = page.get_by_role("region", name="How the pairings ended")
    expect(pairings).to_contain_text(re.compile(r"Completed\s*1"))
    expect(pairings).to_contain_text(re.compile(r"Reflections written\s*1"))
    assert_accessible(page)


def _mentee_finds_everything_closed(page: Page, live_server) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My programmes").click()
    expect(page.get_by_role("heading", level=1, name="My enrolments")).to_be_visible()
    expect(page.get_by_role("link", name="Withdraw")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="View your profile").click()
    expect(_status(page, "This cohort is closed, so your answers can no longer be changed.")).to_be_visible()
    expect(page.get_by_role("button", name="Save my profile")).to_have_count(0)
    assert_accessible(page)

    # The survey link is gone from the workspace; an old bookmark shows the answer, read-only.
    cohort = Cohort.objects.get(name=COHORT)
    page.goto(live_server.url + reverse("closeout:survey", args=[cohort.pk]))
    expect(page.get_by_role("alert")).to_have_text(
        "The survey is closed: this cohort has ended. Thank you to everyone who answered."
    )
    expect(page.get_by_role("region", name="Your answer")).to_contain_text("5 / 5")
    expect(page.get_by_role("radio")).to_have_count(0)
    assert_accessible(page)


def test_admin_runs_a_cohort_from_programme_to_closed(page, new_person_page, live_server, org, tmp_path):
    today = timezone.localdate()
    _creates_programme_and_cohort(page, live_server, today)
    _imports_people(page, tmp_path)
    _opens_enrolment_and_invites(page)

    mentor = new_person_page()
    _mentor_applies(mentor, live_server)
    _matching_is_refused_until_a_mentor_is_approved(page)
    _approves_the_mentor(page)

    mentee = new_person_page()
    _mentee_joins(mentee, live_server)
    _matches_and_publishes(page)
    _begins_close_out(page)
    _mentee_answers_survey_and_reflects(mentee)
    _closes_the_cohort(page)
    _mentee_finds_everything_closed(mentee, live_server)
    log_out(page)
