"""The enrolment journey in a real Chromium, with axe-core on every page: an admin invites a newcomer,
who sets a password, fills in the questionnaire and withdraws; a colleague self-enrols as a mentor and
the admin reviews the application."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from enrolment import services
from people.models import Tag
from programmes.models import Cohort, Enrolment
from tests.browser import assert_accessible, log_out, login
from tests.factories import CohortFactory, EnrolmentFactory, PersonFactory, UserFactory, person_with_login

pytestmark = pytest.mark.browser


@pytest.fixture
def org(transactional_db):
    Tag.objects.create(name="billing")
    Tag.objects.create(name="de-escalation")
    admin = UserFactory(username="admin")
    admin.groups.add(Group.objects.get_or_create(name=settings.ADMINS_GROUP)[0])
    cohort = CohortFactory(
        name="Spring 2027",
        state=Cohort.State.ENROLLING,
        starts_on=datetime.date(2027, 3, 1),
        ends_on=datetime.date(2027, 8, 31),
        self_enrolment_open=True,
    )
    CohortFactory(programme=cohort.programme, name="Summer 2027", state=Cohort.State.DRAFT)
    EnrolmentFactory(cohort=cohort, role="mentor", capacity=2, status=Enrolment.Status.ACTIVE)
    newcomer = PersonFactory(full_name="Nia Newcomer", email="nia@example.com")
    veteran = person_with_login(
        "veteran", "Val Veteran", hire_date=timezone.localdate() - datetime.timedelta(days=800)
    )
    return cohort, newcomer, veteran


def test_invite_accept_questionnaire_and_withdraw(page: Page, live_server, org):
    cohort, newcomer, _veteran = org
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/enrol/cohorts/{cohort.pk}/invite/")
    assert_accessible(page)
    page.get_by_label("Filter by name, email or team").fill("Nia")
    page.get_by_role("button", name="Filter").click()
    page.get_by_label(re.compile("Nia Newcomer")).check()
    page.get_by_label("Mentee").check()
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("1 invitation on its way.")).to_be_visible()
    assert_accessible(page)
    log_out(page)

    link = re.search(r"http://testserver(/enrol/invitation/\S+/)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Choose a password").fill("a-long-secret-1")
    page.get_by_label("Type it again").fill("a-long-secret-1")
    page.get_by_role("button", name="Create my login and join").click()

    expect(page.get_by_role("heading", level=1, name="Your profile for Spring 2027")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Talk it through").check()
    page.get_by_label("Structured, with an agenda").check()
    page.get_by_label("Fast and iterative").check()
    page.get_by_label("Gentle and encouraging").check()
    page.get_by_role("group", name="What interests you").get_by_label("billing").check()
    page.get_by_label("What do you want to get better at?").fill("Calm angry customers")
    page.get_by_label("Your time zone").select_option("Europe/Lisbon")
    page.get_by_label("Video call").check()
    page.get_by_role("button", name="Save my profile").click()

    expect(page.get_by_role("heading", level=1, name="My enrolments")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Withdraw").click()
    assert_accessible(page)
    page.get_by_label("Reason for withdrawing").fill("Moving to nights")
    page.get_by_role("button", name="Yes, withdraw").click()
    expect(page.get_by_text("Withdrawn", exact=True)).to_be_visible()


def test_self_enrolment_and_mentor_review(page: Page, live_server, org):
    cohort, _newcomer, veteran = org
    page.goto(f"{live_server.url}/enrol/invitation/tampered/")
    expect(page.get_by_role("heading", level=1, name="This link can't be used")).to_be_visible()
    assert_accessible(page)

    login(page, live_server, "veteran")
    page.goto(f"{live_server.url}/enrol/join/{services.cohort_join_token(cohort)}/")
    assert_accessible(page)
    page.get_by_label(re.compile("Mentor: I want")).check()
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1, name="Your profile for Spring 2027")).to_be_visible()
    page.get_by_label("Why do you want to mentor?").fill("I know billing inside out")
    assert_accessible(page)
    log_out(page)

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/enrol/cohorts/{cohort.pk}/review/")
    assert_accessible(page)
    application = page.get_by_role("article", name=re.compile("Val Veteran"))
    application.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Tick expertise, communication and patience")).to_be_visible()
    assert_accessible(page)
    for check in ("Expertise", "Communication", "Patience"):
        page.get_by_label(re.compile(f"{check}: ")).check()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("application approved")).to_be_visible()
    page.get_by_role("link", name="Move Val Veteran").click()
    assert_accessible(page)
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Withdraw Val Veteran").click()
    assert_accessible(page)
    assert Enrolment.objects.get(person=veteran).status == Enrolment.Status.ACTIVE
